"""Small synthetic PaddleHub files written by the tests (never copies of the real modules)."""

from __future__ import annotations

from tfhub_dataset.annotations import PublisherType
from tfhub_dataset.hubs.paddlehub.annotations import AuthorMapping, Curation
from tfhub_dataset.hubs.paddlehub.tables import snapshot_counts
from tfhub_dataset.sources.snapshot import Snapshot

SHA = "0123456789abcdef0123456789abcdef01234567"
DATE = "2022-04-02T09:49:38Z"
ADDRESS = "dev.person@acme-lab.org"  # must never reach a table


def module_py(
    name: str = "acme_net",
    version: str = "1.0.0",
    *,
    summary: str = "AcmeNet classifies widgets.",
    author: str = "acme-lab",
    author_email: str = ADDRESS,
    type: str = "cv/classification",
    extra: str = "",
    header: str = "",
    decorator: str | None = None,
) -> str:
    """A module.py whose class carries @moduleinfo with the given literal arguments."""
    args = (
        f"    name={name!r},\n    version={version!r},\n    summary={summary!r},\n"
        f"    author={author!r},\n    author_email={author_email!r},\n    type={type!r},\n"
        f"{extra}"
    )
    deco = decorator if decorator is not None else f"@moduleinfo(\n{args})"
    return (
        "import os\n\nimport paddlehub as hub\n"
        "from paddlehub.module.module import moduleinfo, runnable\n"
        f"{header}\n\n{deco}\nclass AcmeNet(hub.Module):\n"
        "    def _initialize(self):\n        self.path = os.path.join(self.directory, 'm')\n"
    )


def readme(
    name: str = "acme_net",
    *,
    fine: str = "否",
    description: str = "AcmeNet 是一个图像分类模型，详见 [AcmeNet论文](https://arxiv.org/abs/2101.00001v2)。",
    versions: tuple[str, ...] = ("1.0.0",),
    extra: str = "",
) -> str:
    """A README in the shape of 2021-23: information table, numbered sections in list items."""
    notes = "\n".join(f"* {v}\n\n  更新\n" for v in versions)
    return (
        f"# {name}\n\n|模型名称|{name}|\n| :--- | :---: |\n|类别|图像-图像分类|\n|网络|AcmeNet|\n"
        f"|数据集|ImageNet-2012|\n|是否支持Fine-tuning|{fine}|\n|模型大小|12MB|\n|最新更新日期|-|\n\n"
        "## 一、模型基本信息\n\n- ### 模型介绍\n\n"
        f"  - {description}\n\n"
        "  - 代码见 [GitHub](https://github.com/acme-lab/acmenet)\n\n"
        "## 二、安装\n\n- ### 1、安装\n\n  - ```shell\n    $ hub install x\n"
        "    # not a heading: https://example.org/in-code\n    ```\n\n"
        "## 四、服务部署\n\n- ```python\n  url = 'http://127.0.0.1:8866/predict/x'\n  ```\n"
        "- 请求地址 http://127.0.0.1:8866/predict/x\n\n"
        f"{extra}"
        f"## 五、更新历史\n\n{notes}"
    )


OLD_README = """\
## 模型概述

OldNet 是一个**旧**模型。

## 命令行预测

```
hub run oldnet --input_path "/PATH/TO/IMAGE"
```

## 贡献者

[Jason](https://github.com/jason)、[Ann](https://github.com/ann)

## 更新历史

* 1.0.0

  初始发布

* 1.1.0

  提升速度
"""


def snapshot(files: dict[str, str | bytes], commit: str = SHA, date: str = DATE) -> Snapshot:
    out = {p: c if isinstance(c, bytes) else c.encode("utf-8") for p, c in files.items()}
    return Snapshot(commit, date, out, repository="PaddlePaddle/PaddleHub")


TYPES = {
    "acme-lab": PublisherType("acme-lab", "organization", "Acme Lab, a lab of Acme's.", "Acme"),
    "jdoe": PublisherType("jdoe", "individual", "Jane Doe, one person."),
    "张三": PublisherType("张三", "individual", "A person's name."),
    "李四": PublisherType("李四", "individual", "A person's name."),
}
CURATION = Curation(
    authors={
        "acme-lab": AuthorMapping("acme-lab", ("acme-lab",), "The lab's account."),
        "Acme-Lab": AuthorMapping("Acme-Lab", ("acme-lab",), "The same in other case."),
        "JDoe": AuthorMapping("JDoe", ("jdoe",), "One login."),
        "Mr.Zhang": AuthorMapping("Mr.Zhang", ("张三",), "A nickname of 张三 (same address)."),
        "张三、李四": AuthorMapping("张三、李四", ("张三", "李四"), "Two names."),
        "anonymous": AuthorMapping("anonymous", (), "Names no one."),
    },
)


def tables_view(t: dict) -> tuple[dict, dict, dict]:
    """What the history keeps of a snapshot, read from its full tables."""
    credits: dict[str, list[str]] = {}
    for r in t["model_publishers"]:  # sorted by (model, position)
        credits.setdefault(r["model"], []).append(r["publisher"])
    return snapshot_counts(t), {r["handle"]: r["publisher"] for r in t["models"]}, credits
