"""@moduleinfo read with ast: every quirk of the real files, and hostile ones, as anomalies."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.synthetic_paddlehub import ADDRESS, module_py
from tfhub_dataset.hubs.paddlehub.anomaly import ANOMALY_KINDS
from tfhub_dataset.hubs.paddlehub.authors import (
    default_publishers,
    email_class,
    normalize,
    split_author,
)
from tfhub_dataset.hubs.paddlehub.moduleinfo import (
    MAX_MODULE_BYTES,
    MAX_STATEMENTS,
    parse_module,
)


def parse(text: str | bytes):
    info = parse_module(text.encode() if isinstance(text, str) else text)
    assert {kind for _, kind, _ in info.notes} <= set(ANOMALY_KINDS)
    return info


def kinds(info) -> set[str]:
    return {kind for _, kind, _ in info.notes}


def test_a_module_py_gives_its_declared_values_and_never_its_address():
    info = parse(module_py(extra="    meta=hub.ImageClassifierModule,\n"))
    assert info.found and not info.notes
    assert (info.name, info.version, info.author, info.type) == (
        "acme_net",
        "1.0.0",
        "acme-lab",
        "cv/classification",
    )
    assert info.summary == "AcmeNet classifies widgets."
    assert (info.meta, info.class_name, info.line) == ("hub.ImageClassifierModule", "AcmeNet", 7)
    assert info.email_class == "organization"
    assert ADDRESS not in repr(info) and "acme-lab.org" not in repr(info)


def test_arguments_by_position_map_onto_the_decorators_parameters():
    info = parse(module_py(decorator="@moduleinfo('acme_net', '2.0.1', 'jdoe')"))
    assert (info.name, info.version, info.author) == ("acme_net", "2.0.1", "jdoe")
    assert [n[1] for n in info.notes] == ["positional-argument"] * 3


def test_a_name_bound_to_a_literal_is_folded_and_flagged_anything_else_is_not_read():
    header = 'VERSION = "1.2.0"\nBASE = "acme"\nTWICE = "a"\nTWICE = "b"\n'
    info = parse(
        module_py(
            header=header,
            decorator=(
                "@moduleinfo(name=BASE + '_net', version=VERSION, author=TWICE,\n"
                "            summary=f'{BASE} net', type=get_type())"
            ),
        )
    )
    assert (info.name, info.version) == ("acme_net", "1.2.0")
    assert info.author is None and info.summary is None and info.type is None
    details = [d for _, k, d in info.notes if k == "non-literal-argument"]
    assert len(details) == 5
    assert "folded to 'acme_net'" in details[0] and "folded to '1.2.0'" in details[1]
    assert any(d.startswith("author=TWICE") and d.endswith("not read") for d in details)


@pytest.mark.parametrize(
    ("decorator", "kind"),
    [
        ("@moduleinfo(name='a', version='1.0.0', author='x', author='y')", "duplicate-argument"),
        ("@moduleinfo(name='a', version='1.0.0', licence='MIT')", "unknown-argument"),
        ("@moduleinfo(name='a', version='1.0.0', **extra)", "non-literal-argument"),
        ("@moduleinfo(*args)", "non-literal-argument"),
        ("@moduleinfo(name='a', version=1.0)", "non-string-argument"),
        ("@moduleinfo(name='a', version='one')", "invalid-version"),
        ("@moduleinfo(name='a', version='1.0.0', summary='')", "empty-value"),
        ("@moduleinfo(name='a', version='1.0.0', meta=make())", "invalid-meta"),
        ("@moduleinfo(version='1.0.0')", "missing-argument"),
    ],
)
def test_each_quirk_of_the_arguments_is_an_anomaly(decorator, kind):
    info = parse(module_py(decorator=decorator))
    assert kind in kinds(info)
    assert info.found


def test_the_first_of_duplicate_arguments_is_read_and_a_number_kept_as_text():
    info = parse(module_py(decorator="@moduleinfo(name='a', version=1.5, author='x', author='y')"))
    assert (info.author, info.version) == ("x", "1.5")


def test_aliases_and_attribute_forms_of_the_decorator_are_found():
    aliased = (
        "from paddlehub.module.module import moduleinfo as mi\n\n"
        "@mi(name='a', version='1.0.0')\nclass A:\n    pass\n"
    )
    assert parse(aliased).name == "a"
    dotted = (
        "import paddlehub as hub\n\n"
        "@hub.module.moduleinfo(name='b', version='1.0.0')\nclass B:\n    pass\n"
    )
    assert parse(dotted).name == "b"
    nested = (
        "try:\n    import x\nexcept ImportError:\n"
        "    @moduleinfo(name='c', version='1.0.0')\n    class C:\n        pass\n"
    )
    assert parse(nested).name == "c"


@pytest.mark.parametrize(
    ("source", "kind", "found"),
    [
        ("class A:\n    pass\n", "no-moduleinfo", False),
        ("@moduleinfo\nclass A:\n    pass\n", "decorator-not-called", False),
        (
            "@moduleinfo(name='f', version='1.0.0')\ndef f():\n    pass\n",
            "decorates-function",
            True,
        ),
        (
            "@moduleinfo(name='a', version='1.0.0')\nclass A: pass\n"
            "@moduleinfo(name='b', version='1.0.0')\nclass B: pass\n",
            "several-moduleinfo",
            True,
        ),
    ],
)
def test_a_file_without_one_decorated_class(source, kind, found):
    info = parse(source)
    assert kind in kinds(info) and info.found is found
    if kind == "several-moduleinfo":
        assert info.name == "a"


def test_a_syntax_error_elsewhere_still_gives_the_decorator_with_the_files_lines():
    source = module_py(extra="    meta=hub.NLPPredictionModule,\n") + "\n\ndef broken(:\n    pass\n"
    info = parse(source)
    assert "syntax-error" in kinds(info)
    assert (info.name, info.version, info.meta, info.class_name) == (
        "acme_net",
        "1.0.0",
        "hub.NLPPredictionModule",
        "AcmeNet",
    )
    line = next(n for n, k, _ in info.notes if k == "syntax-error")
    assert line == source.split("\n").index("def broken(:") + 1
    assert info.line == 7  # the decorator's own line in the file
    # No note quotes Python's own message (it changes between versions).
    assert all("invalid syntax" not in d and "Missing" not in d for _, _, d in info.notes)


def test_an_indented_decorator_read_alone_keeps_its_columns():
    source = (
        "if True:\n    @moduleinfo(name='a', version=VERSION,\n                type='cv/x')\n"
        "    class A:\n        pass\nprint 'python 2'\n"
    )
    info = parse(source)
    assert {"syntax-error", "non-literal-argument"} <= kinds(info)
    assert (info.name, info.type, info.class_name) == ("a", "cv/x", "A")
    assert any(d.startswith("version=VERSION") for _, k, d in info.notes if k.startswith("non"))


@pytest.mark.parametrize(
    "source",
    [
        "@moduleinfo(name='a', version='1.0.0'\nclass A:\n    pass\n",  # never closed
        "@moduleinfo(name='a' version='1.0.0')\nclass A:\n    pass\n",  # not Python
        "@moduleinfo(name='a', version='1.0.0', summary='''never ends)\nclass A: pass\n",
    ],
)
def test_a_decorator_that_cannot_be_read_alone_is_unreadable(source):
    info = parse(source)
    assert "unreadable-moduleinfo" in kinds(info) and not info.found


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"x = (" * 10_000 + b"1" + b")" * 10_000, "syntax-error"),  # too many nested parentheses
        (b"x = " + b"-" * 200_000 + b"1", "too-complex"),
        (b"x = 1" + b" + 1" * 60_000, "too-complex"),
        (b"x = a" + b".b" * 100_000, "too-complex"),
        (b"x = " + b"not " * 60_000 + b"1", "too-complex"),
        (
            b"".join(b" " * i + b"if x:\n" for i in range(200)) + b" " * 200 + b"pass\n",
            "syntax-error",
        ),
        (b"x = 1\0\n", "invalid-utf8"),
        (b"\xff\xfe" + module_py().encode("utf-16-le"), "invalid-utf8"),
        (b"# \xc3\x28 latin\n" + module_py().encode(), "invalid-utf8"),
        (b"\xef\xbb\xbf" + module_py().encode(), "bom"),
        (module_py().replace("\n", "\r\n").encode(), "line-endings"),
        (b"   \n\n", "empty-file"),
        (b"x = 1\n" * (MAX_MODULE_BYTES // 6 + 1), "file-too-large"),
    ],
)
def test_hostile_files_are_anomalies_never_errors(data, kind):
    info = parse(data)
    assert kind in kinds(info)


def test_the_statements_walked_are_bounded():
    data = "x = 1\n" * (MAX_STATEMENTS + 10) + module_py()
    info = parse(data)
    assert "too-complex" in kinds(info) and not info.found


def test_a_very_long_decorator_read_alone_is_bounded():
    summary = "s" * 30_000
    source = f"@moduleinfo(name='a', version='1.0.0', summary='{summary}')\nclass A: pass\ndef (:\n"
    info = parse(source)
    assert "unreadable-moduleinfo" in kinds(info)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_bytes_parse_without_raising(data):
    parse(b"@moduleinfo(name='a', version='1.0.0')\nclass A:\n" + data)
    parse(data)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="()[]{}@'\"\\\n #=,.:moduleinfoclass", max_size=300))
def test_any_bracket_soup_parses_without_raising(text):
    parse("@moduleinfo(" + text)


@pytest.mark.parametrize(
    ("value", "cls"),
    [
        ("paddle-dev@baidu.com", "owner"),
        ("x@nlp.baidu.com", "owner"),
        ("someone@qq.com", "free-mail"),
        ("a@GMAIL.com", "free-mail"),
        ("a@ir.hit.edu.cn", "organization"),
        ("a@acme.ai", "organization"),
        ("a@baidu.comi", "invalid"),
        ("no address", "invalid"),
        ("", "none"),
        ("   ", "none"),
        (None, "none"),
        ("a@qq.com, b@baidu.com", "free-mail"),
    ],
)
def test_email_classes(value, cls):
    assert email_class(value) == cls


@pytest.mark.parametrize(
    ("author", "parts", "handles"),
    [
        ("paddlepaddle", ["paddlepaddle"], ["paddlepaddle"]),
        ("  PaddlePaddle ", ["PaddlePaddle"], ["paddlepaddle"]),
        ("郑博培、彭兆帅", ["郑博培", "彭兆帅"], ["郑博培", "彭兆帅"]),
        ("彭兆帅，郑博培", ["彭兆帅", "郑博培"], ["彭兆帅", "郑博培"]),  # full-width comma: NFKC
        (
            "Arrow, 七年期限，Mr.郑先生_",
            ["Arrow", "七年期限", "Mr.郑先生_"],
            ["arrow", "七年期限", "mr.郑先生_"],
        ),
        ("Ann and Bob & Cy/Dee", ["Ann", "Bob", "Cy", "Dee"], ["ann", "bob", "cy", "dee"]),
        ("Baidu NLP", ["Baidu NLP"], ["baidu-nlp"]),
        ("a,a", ["a", "a"], ["a"]),
        (",,;", [], []),
    ],
)
def test_author_strings_are_normalised_and_split(author, parts, handles):
    norm = normalize(author)
    assert split_author(norm) == parts
    assert default_publishers(norm) == handles


def test_a_hostile_author_string_is_bounded():
    assert len(normalize("x" * 10_000)) == 200
    assert len(split_author(normalize(",".join("ab" for _ in range(5_000))))) == 20
