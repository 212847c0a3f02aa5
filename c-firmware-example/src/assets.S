/* The assets of firmware-example's default build, in flash: the int8 tiny ranker, the device's
   training samples and its held-out samples. Paths are from the repository root (the Makefile
   passes it to the assembler as an include folder). Each asset is `<name>` with its length in
   the word `<name>_len`. */
  .syntax unified

  .macro asset name, path
  .section .rodata.\name, "a"
  .balign 4
  .global \name
\name:
  .incbin "\path"
\name\()_end:
  .balign 4
  .global \name\()_len
\name\()_len:
  .word \name\()_end - \name
  .endm

  asset weights, "data/default-ranker-int8.postcard"
  asset train_samples, "firmware-example/assets/train-samples.postcard"
  asset held_out, "firmware-example/assets/heldout.postcard"

