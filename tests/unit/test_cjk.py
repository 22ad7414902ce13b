"""cjreport/views/cjk.py: which runs of a text are Chinese or Japanese, and in which script (the PDF marks them)."""

from cjreport.views import cjk


def test_runs_split_the_text_and_name_each_script():
    pieces = cjk.runs("Language : English 简体 繁體")
    assert "".join(piece for piece, _ in pieces) == "Language : English 简体 繁體"  # nothing lost or added
    tagged = [(piece, language.tag) for piece, language in pieces if language is not None]
    assert tagged == [("简体", "zh-Hans"), ("繁體", "zh-Hant")]


def test_kana_is_japanese_and_shared_characters_are_chinese():
    assert cjk.language_of("日本の") == cjk.JAPANESE
    assert cjk.language_of("中文") == cjk.CHINESE  # the same in both scripts


def test_text_without_cjk_is_one_piece():
    assert cjk.runs("Senkaku/Diaoyu Islands") == [("Senkaku/Diaoyu Islands", None)]


def test_every_cjk_run_of_the_corpus_is_found(evidence):
    """Each CJK character of the five texts belongs to a run with a language."""
    for source in evidence.sources.values():
        cjk_chars = [c for c in source.text if cjk.CJK_RUN.fullmatch(c)]
        found = "".join(piece for piece, language in cjk.runs(source.text) if language is not None)
        assert found == "".join(cjk_chars), source.id
