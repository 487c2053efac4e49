//! Level curves of a function sampled on a lattice, by marching squares: each lattice cell
//! whose corners lie on both sides of the level gets one segment (two at a saddle) between
//! the points where its edges cross the level (found by linear interpolation); segments
//! sharing an edge crossing are then joined into polylines.

use std::collections::HashMap;

use ndarray::ArrayView2;

/// A crossing on a lattice edge: `(row, column, direction)`, direction 0 for the edge from
/// `(row, column)` to `(row, column + 1)`, 1 for the edge to `(row + 1, column)`.
type EdgeKey = (usize, usize, u8);

/// The polylines along which `values` (sampled at lattice points `(row, column)`) equals
/// `level`. Points are in lattice coordinates `[row, column]` (fractional), mapped through
/// `position`. A closed curve's last point repeats its first.
pub fn contour_lines(
    values: ArrayView2<f64>,
    level: f64,
    position: impl Fn(f64, f64) -> [f64; 2],
) -> Vec<Vec<[f64; 2]>> {
    let (rows, columns) = values.dim();
    if rows < 2 || columns < 2 || !level.is_finite() {
        return Vec::new();
    }
    let above = |r: usize, c: usize| values[[r, c]] >= level;
    let crossing = |key: EdgeKey| -> [f64; 2] {
        let (r, c, direction) = key;
        let (r2, c2) = if direction == 0 {
            (r, c + 1)
        } else {
            (r + 1, c)
        };
        let (a, b) = (values[[r, c]], values[[r2, c2]]);
        let t = if b == a { 0.5 } else { (level - a) / (b - a) };
        let t = t.clamp(0.0, 1.0);
        [
            r as f64 + t * (r2 as f64 - r as f64),
            c as f64 + t * (c2 as f64 - c as f64),
        ]
    };
    let mut segments: Vec<[EdgeKey; 2]> = Vec::new();
    for r in 0..rows - 1 {
        for c in 0..columns - 1 {
            let corners = [
                values[[r, c]],
                values[[r, c + 1]],
                values[[r + 1, c + 1]],
                values[[r + 1, c]],
            ];
            if corners.iter().any(|v| !v.is_finite()) {
                continue;
            }
            let (top, right, bottom, left) = ((r, c, 0), (r, c + 1, 1), (r + 1, c, 0), (r, c, 1));
            let (top_left, top_right) = (above(r, c), above(r, c + 1));
            let (bottom_right, bottom_left) = (above(r + 1, c + 1), above(r + 1, c));
            let mut cut = Vec::with_capacity(4);
            if top_left != top_right {
                cut.push(top);
            }
            if top_right != bottom_right {
                cut.push(right);
            }
            if bottom_right != bottom_left {
                cut.push(bottom);
            }
            if bottom_left != top_left {
                cut.push(left);
            }
            match cut.as_slice() {
                [a, b] => segments.push([*a, *b]),
                [_, _, _, _] => {
                    // A saddle: the centre's side decides which corners are joined.
                    let centre = corners.iter().sum::<f64>() / 4.0 >= level;
                    if centre == top_left {
                        segments.push([top, right]);
                        segments.push([bottom, left]);
                    } else {
                        segments.push([left, top]);
                        segments.push([right, bottom]);
                    }
                }
                _ => {}
            }
        }
    }
    join(&segments)
        .into_iter()
        .map(|chain| {
            chain
                .into_iter()
                .map(|key| {
                    let [row, column] = crossing(key);
                    position(row, column)
                })
                .collect()
        })
        .collect()
}

/// Joins segments that share an end into chains of edge crossings.
fn join(segments: &[[EdgeKey; 2]]) -> Vec<Vec<EdgeKey>> {
    let mut touching: HashMap<EdgeKey, Vec<usize>> = HashMap::new();
    for (index, segment) in segments.iter().enumerate() {
        for key in segment {
            touching.entry(*key).or_default().push(index);
        }
    }
    let mut used = vec![false; segments.len()];
    let mut chains = Vec::new();
    // Open chains start at an end touched by one segment; closed loops anywhere.
    let mut starts: Vec<usize> = (0..segments.len())
        .filter(|&i| segments[i].iter().any(|k| touching[k].len() == 1))
        .collect();
    starts.extend(0..segments.len());
    for start in starts {
        if used[start] {
            continue;
        }
        used[start] = true;
        let [a, b] = segments[start];
        // Begin at the end no other segment touches, if any, so an open chain is whole.
        let (first, mut end) = if touching[&b].len() == 1 && touching[&a].len() != 1 {
            (b, a)
        } else {
            (a, b)
        };
        let mut chain = vec![first, end];
        loop {
            let next = touching[&end].iter().copied().find(|&i| !used[i]);
            let Some(next) = next else { break };
            used[next] = true;
            let [p, q] = segments[next];
            end = if p == end { q } else { p };
            chain.push(end);
        }
        chains.push(chain);
    }
    chains
}

/// `count` levels between the smallest and largest finite value, closer together near the
/// smallest (`min + (max − min)·(k/(count + 1))²`): in a quadratic bowl such as a squared
/// loss, the curves come out evenly spaced.
pub fn bowl_levels(values: ArrayView2<f64>, count: usize) -> Vec<f64> {
    let (low, high) = values
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    if low.partial_cmp(&high) != Some(std::cmp::Ordering::Less) {
        return Vec::new();
    }
    (1..=count)
        .map(|k| {
            let t = k as f64 / (count + 1) as f64;
            low + (high - low) * t * t
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// f sampled at x = −2 + 4c/(n−1), y = 2 − 4r/(n−1).
    fn sample(
        n: usize,
        f: impl Fn(f64, f64) -> f64,
    ) -> (Array2<f64>, impl Fn(f64, f64) -> [f64; 2]) {
        let step = 4.0 / (n - 1) as f64;
        let values = Array2::from_shape_fn((n, n), |(r, c)| {
            f(-2.0 + c as f64 * step, 2.0 - r as f64 * step)
        });
        (values, move |row: f64, column: f64| {
            [-2.0 + column * step, 2.0 - row * step]
        })
    }

    #[test]
    fn a_plane_gives_one_straight_open_line() {
        let (values, position) = sample(9, |x, _| x);
        let lines = contour_lines(values.view(), 0.25, position);
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        // It crosses every row of cells from top to bottom: 9 crossings.
        assert_eq!(line.len(), 9);
        for point in line {
            assert!((point[0] - 0.25).abs() < 1e-12, "{point:?}");
        }
        let ys: Vec<f64> = line.iter().map(|p| p[1]).collect();
        assert!(ys.contains(&2.0) && ys.contains(&-2.0));
    }

    #[test]
    fn the_unit_circle_of_a_paraboloid_is_one_closed_loop() {
        let (values, position) = sample(41, |x, y| x * x + y * y);
        let lines = contour_lines(values.view(), 1.0, position);
        assert_eq!(lines.len(), 1);
        let loop_ = &lines[0];
        assert_eq!(loop_.first(), loop_.last(), "closed");
        assert!(loop_.len() > 40);
        for [x, y] in loop_ {
            // Linear interpolation on cells 0.1 wide puts points within 0.01 of the circle.
            let radius = (x * x + y * y).sqrt();
            assert!((radius - 1.0).abs() < 0.01, "radius {radius}");
        }
        // The loop goes all the way round.
        let angles: Vec<f64> = loop_.iter().map(|[x, y]| y.atan2(*x)).collect();
        assert!(angles.iter().any(|&a| a > 3.0) && angles.iter().any(|&a| a < -3.0));
        assert!(angles.iter().any(|&a| a.abs() < 0.1));
    }

    #[test]
    fn levels_outside_the_values_give_nothing() {
        let (values, position) = sample(5, |x, y| x + y);
        assert!(contour_lines(values.view(), 10.0, &position).is_empty());
        assert!(contour_lines(values.view(), f64::NAN, &position).is_empty());
    }

    #[test]
    fn two_separate_bumps_give_two_loops() {
        let bump = |x: f64, y: f64, cx: f64| (-((x - cx).powi(2) + y * y) * 8.0).exp();
        let (values, position) = sample(61, |x, y| bump(x, y, -1.0) + bump(x, y, 1.0));
        let lines = contour_lines(values.view(), 0.5, position);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| l.first() == l.last()));
    }

    #[test]
    fn bowl_levels_crowd_towards_the_bottom() {
        let values = ndarray::array![[0.0, 16.0]];
        assert_eq!(bowl_levels(values.view(), 3), [1.0, 4.0, 9.0]);
        assert!(bowl_levels(ndarray::array![[2.0, 2.0]].view(), 3).is_empty());
    }
}
