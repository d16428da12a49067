//! Owns picking the k best `(index, score)` pairs: a partial selection, then a sort of
//! only those k, highest score first and ties by lower index, so results are deterministic
//! and the same natively and in WebAssembly.

use std::cmp::Ordering;

/// Highest score first; equal scores by lower index. NaN scores sort last.
pub fn by_score_desc(a: &(u32, f32), b: &(u32, f32)) -> Ordering {
    match (a.1.is_nan(), b.1.is_nan()) {
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)),
    }
}

/// The `k` best of `scores`, best first.
pub fn top_k(mut scores: Vec<(u32, f32)>, k: usize) -> Vec<(u32, f32)> {
    if k == 0 {
        return Vec::new();
    }
    if scores.len() > k {
        scores.select_nth_unstable_by(k - 1, by_score_desc);
        scores.truncate(k);
        // Neighbour lists are kept for the model's lifetime: give back the candidates'
        // memory (otherwise every list keeps the capacity of all it was chosen from).
        scores.shrink_to_fit();
    }
    scores.sort_unstable_by(by_score_desc);
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_best_first_ties_by_index() {
        let v = vec![(3, 1.0), (1, 2.0), (2, 2.0), (0, f32::NAN), (4, 0.5)];
        assert_eq!(top_k(v.clone(), 3), vec![(1, 2.0), (2, 2.0), (3, 1.0)]);
        assert_eq!(top_k(v.clone(), 0), vec![]);
        let all = top_k(v, 10);
        assert_eq!(all.len(), 5);
        assert_eq!(all[4].0, 0);
    }
}
