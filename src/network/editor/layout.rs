//! Cards that grow (unit maps and weights appear once training starts) must not cover their
//! neighbours. Each card is shown shifted just enough to clear the ones before it, without
//! changing the document: a shift is how the card is drawn, not where the person put it.

use std::collections::HashMap;

use egui::{Rect, Vec2};

/// The gap kept between cards, in canvas points.
pub const CARD_GAP: f32 = 16.0;

/// How far each card must be shifted from where the document places it so that no two
/// overlap. `cards` are `(id, rectangle at the document's position)`, in canvas points.
///
/// Cards are placed left to right (then top to bottom) by their document position; a card
/// that overlaps one already placed moves down past it (leaving [`CARD_GAP`]) when its
/// centre is lower, right past it otherwise, until it overlaps none. Cards that overlap
/// nothing keep a zero shift.
pub fn separating_shifts(cards: &[(String, Rect)]) -> HashMap<String, Vec2> {
    let mut order: Vec<&(String, Rect)> = cards.iter().collect();
    order.sort_by(|(a_id, a), (b_id, b)| {
        a.min
            .x
            .total_cmp(&b.min.x)
            .then(a.min.y.total_cmp(&b.min.y))
            .then(a_id.cmp(b_id))
    });
    let mut placed: Vec<Rect> = Vec::with_capacity(order.len());
    let mut shifts = HashMap::new();
    for (id, rect) in order {
        let mut moved = *rect;
        // Each step clears one placed card; more steps than cards cannot be needed.
        for _ in 0..=placed.len() {
            let Some(other) = placed.iter().find(|other| other.intersects(moved)) else {
                break;
            };
            let step = if moved.center().y > other.center().y {
                Vec2::new(0.0, other.max.y + CARD_GAP - moved.min.y)
            } else {
                Vec2::new(other.max.x + CARD_GAP - moved.min.x, 0.0)
            };
            moved = moved.translate(step);
        }
        let shift = moved.min - rect.min;
        if shift != Vec2::ZERO {
            shifts.insert(id.clone(), shift);
        }
        placed.push(moved);
    }
    shifts
}

#[cfg(test)]
mod tests {
    use egui::pos2;

    use super::*;

    fn card(id: &str, x: f32, y: f32, width: f32, height: f32) -> (String, Rect) {
        (
            id.to_owned(),
            Rect::from_min_size(pos2(x, y), Vec2::new(width, height)),
        )
    }

    #[test]
    fn cards_apart_stay_where_they_are() {
        let cards = [
            card("a", 0.0, 0.0, 100.0, 80.0),
            card("b", 200.0, 0.0, 100.0, 80.0),
        ];
        assert!(separating_shifts(&cards).is_empty());
    }

    #[test]
    fn a_card_that_grew_into_the_one_below_pushes_it_down_past_its_bottom() {
        // a grew to 300 tall; b, whose top is at 200, moves to 300 + 16.
        let cards = [
            card("a", 0.0, 0.0, 150.0, 300.0),
            card("b", 20.0, 200.0, 150.0, 80.0),
        ];
        let shifts = separating_shifts(&cards);
        assert_eq!(shifts.get("b"), Some(&Vec2::new(0.0, 116.0)));
        assert!(!shifts.contains_key("a"));
    }

    #[test]
    fn a_card_that_grew_into_its_right_neighbour_pushes_it_right() {
        // a is 250 wide; b starts at x = 200 at the same height: it moves to 250 + 16.
        let cards = [
            card("a", 0.0, 0.0, 250.0, 80.0),
            card("b", 200.0, 0.0, 100.0, 80.0),
        ];
        assert_eq!(
            separating_shifts(&cards).get("b"),
            Some(&Vec2::new(66.0, 0.0))
        );
    }

    #[test]
    fn a_pushed_card_also_clears_the_cards_it_would_land_on() {
        let cards = [
            card("a", 0.0, 0.0, 250.0, 80.0),
            card("b", 200.0, 0.0, 100.0, 80.0),
            card("c", 270.0, 0.0, 100.0, 80.0),
        ];
        let shifts = separating_shifts(&cards);
        // b lands at 266..366, so c (270) moves to 366 + 16 = 382.
        assert_eq!(shifts.get("b"), Some(&Vec2::new(66.0, 0.0)));
        assert_eq!(shifts.get("c"), Some(&Vec2::new(112.0, 0.0)));
    }
}
