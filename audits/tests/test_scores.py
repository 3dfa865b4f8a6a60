from decimal import Decimal

from audits.scores import RatedCriterion, scores_by_commitment


def test_a_score_is_the_weighted_share_met_with_not_applicable_criteria_left_out():
    scores = scores_by_commitment(
        [
            RatedCriterion("1", 3, "yes"),
            RatedCriterion("1", 1, "no"),
            RatedCriterion("1", 2, "partly"),
            RatedCriterion("1", 5, "na"),
            RatedCriterion("10", 1, "yes"),
        ]
    )
    assert [(score.commitment_code, score.earned, score.possible) for score in scores] == [
        ("1", Decimal(4), Decimal(6)),
        ("10", Decimal(1), Decimal(1)),
    ]
    assert round(scores[0].share, 2) == 66.67


def test_a_commitment_whose_criteria_are_all_not_applicable_has_no_score():
    assert scores_by_commitment([RatedCriterion("3", 2, "na")]) == []


def test_commitments_come_in_number_order_not_text_order():
    scores = scores_by_commitment([RatedCriterion(code, 1, "yes") for code in ("15", "2", "10")])
    assert [score.commitment_code for score in scores] == ["2", "10", "15"]
