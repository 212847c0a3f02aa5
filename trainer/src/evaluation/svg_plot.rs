//! Small SVG charts (histogram, scatter, lines, grouped bars) written as plain text: no fonts or
//! native libraries needed, and the output is deterministic.

use std::fmt::Write;

const W: f64 = 640.0;
const H: f64 = 400.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 160.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 52.0;
const COLORS: [&str; 10] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf",
];

/// A colour of the palette, cycling.
#[must_use]
pub fn color(i: usize) -> &'static str {
    COLORS[i % COLORS.len()]
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Axes with data ranges mapped onto the plot area.
struct Frame {
    x: (f64, f64),
    y: (f64, f64),
    svg: String,
}

fn padded(lo: f64, hi: f64) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if (hi - lo).abs() < 1e-12 { (lo - 0.5, hi + 0.5) } else { (lo, hi) }
}

impl Frame {
    fn new(title: &str, x_label: &str, y_label: &str, x: (f64, f64), y: (f64, f64)) -> Self {
        let (x, y) = (padded(x.0, x.1), padded(y.0, y.1));
        let mut svg = String::new();
        let _ = write!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">"#
        );
        let _ = write!(svg, r#"<rect width="{W}" height="{H}" fill="white"/>"#);
        let _ = write!(
            svg,
            r#"<text x="{}" y="22" text-anchor="middle" font-size="15">{}</text>"#,
            (LEFT + W - RIGHT) / 2.0,
            escape(title)
        );
        let (x0, y0, x1, y1) = (LEFT, H - BOTTOM, W - RIGHT, TOP);
        let _ = write!(
            svg,
            r#"<path d="M{x0},{y1} L{x0},{y0} L{x1},{y0}" stroke="black" fill="none"/>"#
        );
        let mut frame = Self { x, y, svg };
        for i in 0..=4 {
            let fx = x.0 + (x.1 - x.0) * f64::from(i) / 4.0;
            let fy = y.0 + (y.1 - y.0) * f64::from(i) / 4.0;
            let (px, py) = (frame.px(fx), frame.py(fy));
            let _ = write!(
                frame.svg,
                r##"<text x="{px}" y="{}" text-anchor="middle">{}</text><text x="{}" y="{}" text-anchor="end">{}</text><path d="M{x0},{py} L{x1},{py}" stroke="#ddd"/>"##,
                y0 + 16.0,
                tick(fx),
                x0 - 4.0,
                py + 4.0,
                tick(fy)
            );
        }
        let _ = write!(
            frame.svg,
            r#"<text x="{}" y="{}" text-anchor="middle">{}</text><text transform="translate(16,{}) rotate(-90)" text-anchor="middle">{}</text>"#,
            (x0 + x1) / 2.0,
            H - 12.0,
            escape(x_label),
            (y0 + y1) / 2.0,
            escape(y_label)
        );
        frame
    }

    fn px(&self, v: f64) -> f64 {
        LEFT + (v - self.x.0) / (self.x.1 - self.x.0) * (W - LEFT - RIGHT)
    }

    fn py(&self, v: f64) -> f64 {
        H - BOTTOM - (v - self.y.0) / (self.y.1 - self.y.0) * (H - TOP - BOTTOM)
    }

    fn legend(&mut self, names: &[String]) {
        for (i, name) in names.iter().enumerate().take(24) {
            let y = TOP + 14.0 * i as f64;
            let _ = write!(
                self.svg,
                r#"<rect x="{}" y="{}" width="10" height="10" fill="{}"/><text x="{}" y="{}">{}</text>"#,
                W - RIGHT + 10.0,
                y,
                color(i),
                W - RIGHT + 24.0,
                y + 9.0,
                escape(name)
            );
        }
    }

    fn finish(mut self) -> String {
        self.svg.push_str("</svg>\n");
        self.svg
    }
}

fn tick(v: f64) -> String {
    if v.abs() >= 1000.0 { format!("{v:.0}") } else { format!("{v:.2}") }
}

fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

/// A histogram of `values` in `bins` equal bins.
#[must_use]
pub fn histogram(title: &str, x_label: &str, values: &[f64], bins: usize) -> String {
    let bins = bins.max(1);
    let (lo, hi) = padded(range(values.iter().copied()).0, range(values.iter().copied()).1);
    let mut counts = vec![0usize; bins];
    for &v in values.iter().filter(|v| v.is_finite()) {
        let b = (((v - lo) / (hi - lo)) * bins as f64) as usize;
        counts[b.min(bins - 1)] += 1;
    }
    let max = counts.iter().copied().max().unwrap_or(1) as f64;
    let mut f = Frame::new(title, x_label, "runs", (lo, hi), (0.0, max));
    let width = (hi - lo) / bins as f64;
    for (i, &c) in counts.iter().enumerate() {
        let x0 = f.px(lo + width * i as f64);
        let x1 = f.px(lo + width * (i + 1) as f64);
        let (y0, y1) = (f.py(0.0), f.py(c as f64));
        let _ = write!(
            f.svg,
            r##"<rect x="{x0}" y="{y1}" width="{}" height="{}" fill="#1f77b4" stroke="white"/>"##,
            (x1 - x0).max(0.0),
            (y0 - y1).max(0.0)
        );
    }
    f.finish()
}

/// Scatter plots of named point groups, one colour each (with a legend when named).
#[must_use]
pub fn scatter(
    title: &str,
    x_label: &str,
    y_label: &str,
    groups: &[(String, Vec<(f64, f64)>)],
) -> String {
    let all = || groups.iter().flat_map(|(_, p)| p.iter());
    let mut f =
        Frame::new(title, x_label, y_label, range(all().map(|p| p.0)), range(all().map(|p| p.1)));
    for (i, (_, points)) in groups.iter().enumerate() {
        for &(x, y) in points.iter().filter(|p| p.0.is_finite() && p.1.is_finite()) {
            let _ = write!(
                f.svg,
                r#"<circle cx="{}" cy="{}" r="3" fill="{}" fill-opacity="0.7"/>"#,
                f.px(x),
                f.py(y),
                color(i)
            );
        }
    }
    let names: Vec<String> = groups.iter().map(|(n, _)| n.clone()).collect();
    if names.iter().any(|n| !n.is_empty()) {
        f.legend(&names);
    }
    f.finish()
}

/// Line charts of named series.
#[must_use]
pub fn lines(
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[(String, Vec<(f64, f64)>)],
) -> String {
    let all = || series.iter().flat_map(|(_, p)| p.iter());
    let mut f =
        Frame::new(title, x_label, y_label, range(all().map(|p| p.0)), range(all().map(|p| p.1)));
    for (i, (_, points)) in series.iter().enumerate() {
        let d: Vec<String> = points
            .iter()
            .filter(|p| p.0.is_finite() && p.1.is_finite())
            .enumerate()
            .map(|(k, &(x, y))| {
                format!("{}{:.2},{:.2}", if k == 0 { "M" } else { "L" }, f.px(x), f.py(y))
            })
            .collect();
        let _ = write!(
            f.svg,
            r#"<path d="{}" stroke="{}" fill="none" stroke-width="2"/>"#,
            d.join(" "),
            color(i)
        );
    }
    let names: Vec<String> = series.iter().map(|(n, _)| n.clone()).collect();
    f.legend(&names);
    f.finish()
}

/// Grouped bars: one group per category, one bar per series.
#[must_use]
pub fn bars(
    title: &str,
    y_label: &str,
    categories: &[String],
    series: &[(String, Vec<f64>)],
) -> String {
    let values = || series.iter().flat_map(|(_, v)| v.iter().copied());
    let (lo, hi) = range(values());
    let mut f =
        Frame::new(title, "", y_label, (0.0, categories.len() as f64), (lo.min(0.0), hi.max(0.0)));
    let group = (W - LEFT - RIGHT) / categories.len().max(1) as f64;
    let bar = group * 0.8 / series.len().max(1) as f64;
    for (s, (_, vals)) in series.iter().enumerate() {
        for (c, &v) in vals.iter().enumerate().filter(|(_, v)| v.is_finite()) {
            let x = LEFT + group * c as f64 + group * 0.1 + bar * s as f64;
            let (y0, y1) = (f.py(0.0), f.py(v));
            let _ = write!(
                f.svg,
                r#"<rect x="{x}" y="{}" width="{bar}" height="{}" fill="{}"/>"#,
                y0.min(y1),
                (y0 - y1).abs(),
                color(s)
            );
        }
    }
    for (c, name) in categories.iter().enumerate() {
        let x = LEFT + group * (c as f64 + 0.5);
        let _ = write!(
            f.svg,
            r#"<text transform="translate({x},{}) rotate(45)" font-size="9">{}</text>"#,
            H - BOTTOM + 4.0,
            escape(name)
        );
    }
    let names: Vec<String> = series.iter().map(|(n, _)| n.clone()).collect();
    f.legend(&names);
    f.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_well_formed_svg() {
        let h = histogram("t", "x", &[0.1, 0.2, 0.2, 0.9], 5);
        assert!(h.starts_with("<svg") && h.trim_end().ends_with("</svg>"));
        assert_eq!(h.matches("<rect").count(), 1 + 5);
        let s = scatter("t", "x", "y", &[("a".into(), vec![(0.0, 1.0), (1.0, 2.0)])]);
        assert_eq!(s.matches("<circle").count(), 2);
        let l = lines("t", "x", "y", &[("a<b".into(), vec![(0.0, 1.0), (1.0, 2.0)])]);
        assert!(l.contains("a&lt;b"));
        let b = bars("t", "y", &["c1".into(), "c2".into()], &[("s".into(), vec![0.5, -0.2])]);
        assert!(b.contains("c2"));
    }
}
