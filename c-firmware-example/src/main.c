/* firmware-example's default story in C, through archrank's C API (ffi/include/archrank.h):
   reads the bundled ranker in place from flash, embeds the device's samples, searches within a
   budget derived from its own memory (the training's included), trains the chosen child in a
   32 KiB arena and refits it, writes its model file into a 12 KiB buffer, loads it and runs it on
   the held-out samples. Prints the same `result` lines as the Rust firmware, then how much stack
   the story took. */
#include <stdint.h>

#include "archrank.h"
#include "semihosting.h"
#include "stack_paint.h"

/* The assets (src/assets.S). */
extern const uint8_t weights[], train_samples[], held_out[];
extern const uint32_t weights_len, train_samples_len, held_out_len;

/* The part's budget for the model (firmware-example/layouts/default.x): absolute symbols, whose
   addresses are the values. */
extern const uint8_t _model_flash_bytes[], _model_ram_bytes[];

/* Bytes of one f32 parameter. */
#define PARAM_BYTES 4u
/* The training arena: the search's training budget, half the part's RAM. */
#define ARENA_BYTES (32u * 1024u)
/* The buffer the model file is written into. */
#define MODEL_BYTES (12u * 1024u)
/* Holds the longest report (the search's lines: 787 bytes on the tiny preset). */
#define TEXT_BYTES 1024u

static uint8_t arena[ARENA_BYTES];
static uint8_t model_file[MODEL_BYTES];
static char text[TEXT_BYTES];

static archrank_ranker ranker;
static archrank_samples samples;
static archrank_samples held_out_samples;
static archrank_search search;
static archrank_trained trained;
static archrank_model model;

/* Stops the story with `what` and the status's message unless it succeeded. */
static void check(archrank_status status, const char *what) {
  if (status == ARCHRANK_STATUS_OK) {
    return;
  }
  semihosting_write("error: ");
  semihosting_write(what);
  semihosting_write(": ");
  semihosting_write(archrank_status_message(status));
  semihosting_write("\n");
  semihosting_exit(false);
}

/* Prints the report a formatting call left in `text`. */
static void print(archrank_status status, const char *what) {
  check(status, what);
  semihosting_write(text);
}

/* The budget the search must respect: shares of the part's flash and RAM for the model, and the
   arena for its training (firmware-example/src/budget.rs). */
static archrank_budget budget_from_memory(void) {
  archrank_budget budget = {
      .params = (uint32_t)(uintptr_t)_model_flash_bytes / PARAM_BYTES,
      .macs = ARCHRANK_UNLIMITED,
      .ram_bytes = (uint32_t)(uintptr_t)_model_ram_bytes,
      .train_ram_bytes = ARENA_BYTES,
  };
  return budget;
}

/* Runs the model on every held-out sample; returns how many it classifies right. */
static size_t predict_held_out(size_t *total) {
  archrank_samples_info info;
  check(archrank_samples_describe(&held_out_samples, &info), "the held-out samples");
  float row[ARCHRANK_MAX_FEATURES];
  float probabilities[ARCHRANK_MAX_CLASSES];
  size_t correct = 0;
  for (size_t i = 0; i < info.count; i++) {
    uint32_t label;
    uint32_t class_id;
    check(archrank_samples_row(&held_out_samples, i, row, ARCHRANK_MAX_FEATURES, &label),
          "a held-out sample");
    check(archrank_predict(&model, row, info.features, probabilities, ARCHRANK_MAX_CLASSES,
                           &class_id),
          "a held-out sample cannot be run");
    correct += class_id == label;
  }
  *total = info.count;
  return correct;
}

int main(void) {
  stack_paint();
  size_t len;

  check(archrank_ranker_load(&ranker, weights, weights_len), "the bundled weights are invalid");
  check(archrank_samples_load(&samples, train_samples, train_samples_len),
        "the bundled samples are invalid");
  archrank_embedding embedding;
  check(archrank_embed(&ranker, &samples, &embedding), "the samples cannot be encoded");
  const archrank_budget budget = budget_from_memory();
  check(archrank_search_within(&ranker, &samples, &embedding, &budget, &search),
        "no architecture fits the device's budget");
  print(archrank_format_result(&search, text, sizeof text, &len), "the search's report");

  check(archrank_samples_load(&held_out_samples, held_out, held_out_len),
        "the held-out samples are invalid");
  check(archrank_train(&search, &samples, arena, sizeof arena, &trained),
        "the chosen child cannot be trained on the samples");
  archrank_written written;
  check(archrank_write_model(&trained, &held_out_samples, model_file, sizeof model_file, &written),
        "the trained model cannot be written");
  check(archrank_model_load(&model, model_file, written.bytes), "the written model does not load");
  size_t total;
  const size_t correct = predict_held_out(&total);
  if (correct != written.held_out_correct) {
    semihosting_write("error: the loaded model disagrees with the one training measured\n");
    return 1;
  }
  print(archrank_format_training(&trained, model_file, written.bytes, text, sizeof text, &len),
        "the training's report");
  print(archrank_format_model_result(&model, /* text: */ false, correct, total, text, sizeof text,
                                    &len),
        "the model's report");

  semihosting_write("measure stack_bytes ");
  semihosting_write_decimal(stack_high_water_bytes());
  semihosting_write("\n");
  if (stack_reached_statics()) {
    semihosting_write("error: the stack reached the statics: the RAM is too small\n");
    return 1;
  }
  return 0;
}
