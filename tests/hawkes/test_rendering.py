import sahelmodel as sm


def test_hawkes_results_render_compactly_and_in_full():
    times = sm.simulate_hawkes(0.3, 0.3, 1.0, 400.0, rng=5)
    fit = sm.Hawkes().fit(times)
    line = repr(fit)
    assert line.startswith("<HawkesResults: exp kernel, constant baseline,") and "\n" not in line
    text = str(fit)
    assert "Branching ratio" in text and "decay" in text
    assert max(len(x) for x in text.splitlines()) <= 100
