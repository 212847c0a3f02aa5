/* The C API in one function (ffi/README.md shows it): choose an architecture for this device's
   samples, train it here and classify a row. Compiled by the Makefile, not linked, so that the
   documented snippet keeps building against the header. */
#include "archrank.h"

extern const uint8_t weights[], samples_file[];  /* in flash (.incbin or objcopy) */
extern const size_t weights_len, samples_len;

static archrank_ranker ranker;   static archrank_samples samples;   static archrank_search search;
static archrank_trained trained; static archrank_model model;
static uint8_t arena[32 * 1024], model_file[12 * 1024];

/* Chooses an architecture for this device's samples, trains it here, classifies `row`. */
archrank_status choose_train_predict(const float *row, size_t features, uint32_t *class_id) {
  const archrank_budget budget = {.params = 2048, .macs = ARCHRANK_UNLIMITED,
                                  .ram_bytes = 2048, .train_ram_bytes = sizeof arena};
  archrank_embedding z;
  archrank_written written;
  archrank_status s = archrank_ranker_load(&ranker, weights, weights_len);  /* OK is 0 */
  if (!s) s = archrank_samples_load(&samples, samples_file, samples_len);
  if (!s) s = archrank_embed(&ranker, &samples, &z);
  if (!s) s = archrank_search_within(&ranker, &samples, &z, &budget, &search);
  if (!s) s = archrank_train(&search, &samples, arena, sizeof arena, &trained);
  if (!s) s = archrank_write_model(&trained, NULL, model_file, sizeof model_file, &written);
  if (!s) s = archrank_model_load(&model, model_file, written.bytes);
  if (!s) s = archrank_predict(&model, row, features, NULL, 0, class_id);
  return s;  /* on failure, archrank_status_message(s) says why */
}
