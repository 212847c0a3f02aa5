//! Storage, assets and the whole story through the C API, for the suites.

use std::mem::MaybeUninit;
use std::path::PathBuf;

use archrank_ffi::*;

/// Must match `firmware-example/src/training.rs`.
pub const ARENA_BYTES: usize = 32 * 1024;
/// Must match `firmware-example/src/training.rs`.
pub const MODEL_BYTES: usize = 12 * 1024;
/// A report buffer as large as the C firmware's.
pub const TEXT_BYTES: usize = 2048;

/// The budget `firmware-example/src/budget.rs` derives from `layouts/default.x` (128 KiB flash /
/// 16 / 4 bytes per parameter, 64 KiB RAM / 32) and its arena.
pub const BUDGET: ArchrankBudget = ArchrankBudget {
    params: 128 * 1024 / 16 / 4,
    macs: ARCHRANK_UNLIMITED,
    ram_bytes: 64 * 1024 / 32,
    train_ram_bytes: ARENA_BYTES as u32,
};

/// A file of the repository, by its path from the root.
pub fn asset(path: &str) -> Vec<u8> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The int8 ranker the firmware bundles.
pub fn ranker_bytes() -> Vec<u8> {
    asset("data/default-ranker-int8.postcard")
}

/// The firmware's training samples.
pub fn samples_bytes() -> Vec<u8> {
    asset("firmware-example/assets/train-samples.postcard")
}

/// The firmware's held-out samples.
pub fn held_out_bytes() -> Vec<u8> {
    asset("firmware-example/assets/heldout.postcard")
}

/// Caller storage for a handle (or any C object), every byte `0x5a`: a failing call must leave it
/// so.
pub struct Storage<T>(Box<MaybeUninit<T>>);

impl<T> Storage<T> {
    pub fn new() -> Self {
        let mut b = Box::new(MaybeUninit::<T>::uninit());
        unsafe { b.as_mut_ptr().cast::<u8>().write_bytes(0x5a, size_of::<T>()) };
        Self(b)
    }

    pub fn ptr(&mut self) -> *mut T {
        self.0.as_mut_ptr()
    }

    pub fn get(&self) -> *const T {
        self.0.as_ptr()
    }

    /// Whether no byte was written since `new`.
    pub fn untouched(&self) -> bool {
        let bytes =
            unsafe { std::slice::from_raw_parts(self.0.as_ptr().cast::<u8>(), size_of::<T>()) };
        bytes.iter().all(|&b| b == 0x5a)
    }

    /// The value a successful call wrote (for plain C structs).
    pub fn value(&self) -> T
    where
        T: Copy,
    {
        unsafe { self.0.assume_init_read() }
    }
}

/// Runs `f` and asserts its status.
pub fn expect(status: ArchrankStatus, expected: ArchrankStatus) {
    assert_eq!(status, expected, "{}", message(status));
}

/// The message of a status.
pub fn message(status: ArchrankStatus) -> String {
    let text = unsafe { std::ffi::CStr::from_ptr(archrank_status_message(status as i32)) };
    text.to_str().unwrap().to_owned()
}

/// The loaded handles and buffers of a story, each step run through the C API. The byte
/// vectors are never modified while the handles that borrow them live.
pub struct Story {
    pub ranker_bytes: Vec<u8>,
    pub samples_bytes: Vec<u8>,
    pub held_out_bytes: Vec<u8>,
    pub ranker: Storage<ArchrankRanker>,
    pub samples: Storage<ArchrankSamples>,
    pub held_out: Storage<ArchrankSamples>,
    pub embedding: ArchrankEmbedding,
    pub search: Storage<ArchrankSearch>,
    pub arena: Vec<u8>,
    pub trained: Storage<ArchrankTrained>,
    pub model_bytes: Vec<u8>,
    pub written: ArchrankWritten,
    pub model: Storage<ArchrankModel>,
}

impl Story {
    /// Loads, embeds and searches (the handles are boxed: their addresses stay put).
    pub fn choose(ranker_bytes: Vec<u8>) -> Box<Self> {
        let mut s = Box::new(Story {
            ranker_bytes,
            samples_bytes: samples_bytes(),
            held_out_bytes: held_out_bytes(),
            ranker: Storage::new(),
            samples: Storage::new(),
            held_out: Storage::new(),
            embedding: ArchrankEmbedding { values: [0.0; ARCHRANK_EMBED_DIM] },
            search: Storage::new(),
            arena: vec![0; ARENA_BYTES],
            trained: Storage::new(),
            model_bytes: vec![0; MODEL_BYTES],
            written: ArchrankWritten::default(),
            model: Storage::new(),
        });
        unsafe {
            let (bytes, len) = (s.ranker_bytes.as_ptr(), s.ranker_bytes.len());
            expect(archrank_ranker_load(s.ranker.ptr(), bytes, len), ArchrankStatus::Ok);
            let (bytes, len) = (s.samples_bytes.as_ptr(), s.samples_bytes.len());
            expect(archrank_samples_load(s.samples.ptr(), bytes, len), ArchrankStatus::Ok);
            let (bytes, len) = (s.held_out_bytes.as_ptr(), s.held_out_bytes.len());
            expect(archrank_samples_load(s.held_out.ptr(), bytes, len), ArchrankStatus::Ok);
            let mut z = Storage::<ArchrankEmbedding>::new();
            expect(archrank_embed(s.ranker.get(), s.samples.get(), z.ptr()), ArchrankStatus::Ok);
            s.embedding = z.value();
            let status = archrank_search_within(
                s.ranker.get(),
                s.samples.get(),
                &s.embedding,
                &BUDGET,
                s.search.ptr(),
            );
            expect(status, ArchrankStatus::Ok);
        }
        s
    }

    /// Trains in the arena, writes the model file with the held-out accuracy and loads it.
    pub fn train_and_load(&mut self) {
        unsafe {
            let status = archrank_train(
                self.search.get(),
                self.samples.get(),
                self.arena.as_mut_ptr(),
                self.arena.len(),
                self.trained.ptr(),
            );
            expect(status, ArchrankStatus::Ok);
            let mut written = Storage::<ArchrankWritten>::new();
            let status = archrank_write_model(
                self.trained.get(),
                self.held_out.get(),
                self.model_bytes.as_mut_ptr(),
                self.model_bytes.len(),
                written.ptr(),
            );
            expect(status, ArchrankStatus::Ok);
            self.written = written.value();
            let status = archrank_model_load(
                self.model.ptr(),
                self.model_bytes.as_ptr(),
                self.written.bytes,
            );
            expect(status, ArchrankStatus::Ok);
        }
    }

    /// The model's predictions on the held-out samples, row by row: (class, label, probabilities).
    pub fn predictions(&self) -> Vec<(u32, u32, Vec<f32>)> {
        let mut info = Storage::<ArchrankSamplesInfo>::new();
        unsafe {
            expect(archrank_samples_describe(self.held_out.get(), info.ptr()), ArchrankStatus::Ok);
        }
        let info = info.value();
        let mut model_info = Storage::<ArchrankModelInfo>::new();
        unsafe {
            expect(archrank_model_describe(self.model.get(), model_info.ptr()), ArchrankStatus::Ok);
        }
        let classes = model_info.value().classes;
        (0..info.count)
            .map(|i| {
                let mut row = [0.0_f32; ARCHRANK_MAX_FEATURES];
                let mut label = 0_u32;
                let mut class = 0_u32;
                let mut probs = vec![0.0_f32; classes];
                unsafe {
                    let status = archrank_samples_row(
                        self.held_out.get(),
                        i,
                        row.as_mut_ptr(),
                        row.len(),
                        &mut label,
                    );
                    expect(status, ArchrankStatus::Ok);
                    let status = archrank_predict(
                        self.model.get(),
                        row.as_ptr(),
                        info.features,
                        probs.as_mut_ptr(),
                        probs.len(),
                        &mut class,
                    );
                    expect(status, ArchrankStatus::Ok);
                }
                (class, label, probs)
            })
            .collect()
    }

    /// The `result` lines, as the C firmware prints them.
    pub fn report(&self) -> String {
        let predictions = self.predictions();
        let correct = predictions.iter().filter(|(class, label, _)| class == label).count();
        let mut text = format_text(|buf, cap, len| unsafe {
            archrank_format_result(self.search.get(), buf, cap, len)
        });
        text += &format_text(|buf, cap, len| unsafe {
            archrank_format_training(
                self.trained.get(),
                self.model_bytes.as_ptr(),
                self.written.bytes,
                buf,
                cap,
                len,
            )
        });
        text += &format_text(|buf, cap, len| unsafe {
            archrank_format_model_result(
                self.model.get(),
                false,
                correct,
                predictions.len(),
                buf,
                cap,
                len,
            )
        });
        text
    }
}

/// Runs a formatting call into a C buffer and returns its text (checking the NUL and length).
pub fn format_text(
    call: impl Fn(*mut std::ffi::c_char, usize, *mut usize) -> ArchrankStatus,
) -> String {
    let mut buf = vec![0x5a_u8; TEXT_BYTES];
    let mut len = usize::MAX;
    expect(call(buf.as_mut_ptr().cast(), buf.len(), &mut len), ArchrankStatus::Ok);
    assert_eq!(buf[len], 0, "NUL-terminated");
    assert!(!buf[..len].contains(&0));
    String::from_utf8(buf[..len].to_vec()).unwrap()
}
