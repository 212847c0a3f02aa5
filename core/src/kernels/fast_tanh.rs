//! The tanh of child networks' base layers, shared by the trainer's training and the core's
//! inference so both compute the same function.

/// tanh by Eigen's rational approximation (error a few ulp): plain arithmetic that
/// vectorizes, unlike libm's `tanhf`, which took a third of a tiny child's training time, and
/// that gives the same bits on every platform.
#[must_use]
pub fn fast_tanh(x: f32) -> f32 {
    const CLAMP: f32 = 7.998_811_7;
    // Eigen's published coefficients, kept as printed.
    #[allow(clippy::excessive_precision)]
    const A: [f32; 7] = [
        4.893_524_6e-3,
        6.372_619_3e-4,
        1.485_722_4e-5,
        5.122_297e-8,
        -8.604_671_5e-11,
        2.000_188e-13,
        -2.760_768_5e-16,
    ];
    const B: [f32; 4] = [4.893_525e-3, 2.268_434_6e-3, 1.185_347_1e-4, 1.198_258_4e-6];
    // max/min rather than clamp, which has a panicking path.
    #[allow(clippy::manual_clamp)]
    let x = x.max(-CLAMP).min(CLAMP);
    let x2 = x * x;
    let p = (((((A[6] * x2 + A[5]) * x2 + A[4]) * x2 + A[3]) * x2 + A[2]) * x2 + A[1]) * x2 + A[0];
    let q = ((B[3] * x2 + B[2]) * x2 + B[1]) * x2 + B[0];
    x * p / q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_tanh_matches_tanh() {
        for i in -20_000..=20_000 {
            let x = i as f32 * 1e-3;
            assert!((fast_tanh(x) - libm::tanhf(x)).abs() < 2e-6, "{x}");
        }
        assert_eq!(fast_tanh(50.0), fast_tanh(8.0));
        assert!(fast_tanh(50.0) <= 1.0 && fast_tanh(-50.0) >= -1.0);
        assert_eq!(fast_tanh(0.0), 0.0);
    }
}
