"""Masking small numbers for publication: 1 and 2 become "<3", zeros and totals stay, no cell can be computed back."""

from reports.masking import MASK, SUPPRESSED, mask_map, mask_report


def test_one_and_two_are_masked_zeros_and_larger_numbers_stay():
    assert mask_map({"a": 0, "b": 1, "c": 2, "d": 3, "e": 40}) == {"a": 0, "b": MASK, "c": MASK, "d": 3, "e": 40}


def test_a_single_masked_cell_that_adds_up_to_the_total_hides_the_next_smallest_cell():
    # 12 = 1 + 4 + 7: the 1 could be computed from the total; the 4 is hidden as well.
    assert mask_map({"female": 1, "male": 7, "diverse": 0, "unknown": 4}, total=12) == {
        "female": MASK,
        "male": 7,
        "diverse": 0,
        "unknown": SUPPRESSED,
    }


def test_cells_that_are_all_one_are_protected_too_but_a_mix_of_one_and_two_is_not_needed():
    assert mask_map({"a": 1, "b": 1, "c": 5}, total=7) == {"a": MASK, "b": MASK, "c": SUPPRESSED}
    assert mask_map({"a": 1, "b": 2, "c": 5}, total=8) == {"a": MASK, "b": MASK, "c": 5}


def test_maps_that_do_not_add_up_to_the_total_need_no_second_cell():
    # Target groups overlap: the map adds up to more than the total.
    assert mask_map({"seniors": 1, "women": 5, "none": 4}, total=9) == {"seniors": MASK, "women": 5, "none": 4}


def test_report_masks_breakdowns_never_totals_headline_numbers_or_rates():
    report = {
        "period": {"year": 2026, "quarter": 3},
        "persons_with_contact": {"total": 2, "by_gender": {"female": 2, "male": 0}},
        "prevention": {"total": 1, "by_outcome": {"tenancy_kept": 1}, "housing_secured": {"total": 2, "persons": 2}},
        "tenancy_sustained": {
            "total": 1,
            "by_follow_up": {"6_months": {"moved_in": 2, "held": 1, "lost": 1, "not_answered": 0}},
        },
        "senior_flat": {"total": 2, "places": 2, "goal": 10, "occupied": 1, "occupancy_rate": 0.5},
        "group_offers": {"total": 1, "participants": 2, "participants_by_target_group": {"women": 2}},
    }

    masked = mask_report(report)

    assert masked["persons_with_contact"] == {"total": 2, "by_gender": {"female": MASK, "male": 0}}
    assert masked["prevention"]["housing_secured"] == {"total": 2, "persons": 2}
    assert masked["tenancy_sustained"]["by_follow_up"]["6_months"] == {
        "moved_in": 2,
        "held": MASK,
        "lost": MASK,
        "not_answered": 0,
    }
    assert masked["senior_flat"] == report["senior_flat"]
    assert masked["group_offers"]["participants_by_target_group"] == {"women": MASK}
    assert report["persons_with_contact"]["by_gender"]["female"] == 2  # the original is untouched
