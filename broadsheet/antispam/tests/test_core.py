from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import numpy as np
from django.test import SimpleTestCase

from broadsheet.antispam import langid, metrics, minhash
from broadsheet.antispam.corpus import Row, dedupe, published_split, read_spamassassin
from broadsheet.antispam.features import META_INDEX, N_FEATURES, vectorize, word_index
from broadsheet.antispam.model import SHIPPED_MODEL, Model
from broadsheet.antispam.normalize import clean
from broadsheet.antispam.online import Layer
from broadsheet.antispam.plot import write_png
from broadsheet.antispam.train import build, choose_thresholds, fit

SPAM = [
    "check out my channel subscribe",
    "free gift card click here http://bit.ly/x",
    "subscribe to my channel please",
    "win cash now click http://x.example.com",
]
HAM = [
    "love this song so much",
    "this video brings back memories",
    "the chorus is great",
    "who is watching in 2015",
]


class FeatureTests(SimpleTestCase):
    def test_hashing_is_stable_across_processes(self) -> None:
        code = "from broadsheet.antispam.features import word_index; print(word_index('channel'))"
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        self.assertEqual(int(out.stdout), word_index("channel"))

    def test_vector_indices_are_unique_and_in_range(self) -> None:
        vec = vectorize({"comment_content": "spam spam spam " * 50, "comment_author_url": "x.com"})
        self.assertEqual(len(set(vec.idx.tolist())), len(vec.idx))
        self.assertTrue((vec.idx >= 0).all() and (vec.idx < N_FEATURES).all())
        self.assertIn(META_INDEX["author_url"], vec.idx)

    def test_obfuscation_is_folded(self) -> None:
        self.assertEqual(clean("v i a g r a").text, "viagra")
        self.assertEqual(clean("vi\u200bagra").text, "viagra")
        self.assertEqual(clean("\u0441heap").text, "cheap")  # Cyrillic es
        self.assertEqual(clean("caf&eacute;").text, "café")

    def test_language_guess(self) -> None:
        self.assertEqual(
            langid.guess("Das ist nicht gut und ich bin dagegen, wir sind auch nicht dafür"), "de"
        )
        self.assertEqual(
            langid.guess("This is not what the council said and they know it well"), "en"
        )
        self.assertEqual(langid.guess("ok"), "")


class ModelTests(SimpleTestCase):
    def test_tiny_model_separates_and_round_trips_without_pickle(self) -> None:
        rows = [Row({"comment_content": t}, True, "t") for t in SPAM] + [
            Row({"comment_content": t}, False, "t") for t in HAM
        ]
        weights, bias = fit(build(rows), lam=1e-3)
        model = Model(weights, bias, version="tiny")
        spam = model.score(model.margin(vectorize({"comment_content": "subscribe to my channel"})))
        ham = model.score(model.margin(vectorize({"comment_content": "love the chorus"})))
        self.assertGreater(spam, ham)
        again = Model.from_bytes(model.to_bytes())
        self.assertEqual(again.version, model.version)
        np.testing.assert_array_equal(again.weights, model.weights)

    def test_shipped_model_loads_and_records_its_training(self) -> None:
        model = Model.load(SHIPPED_MODEL)
        self.assertLess(SHIPPED_MODEL.stat().st_size, 5_000_000)
        record = json.loads((SHIPPED_MODEL.parent / "model.json").read_text())
        self.assertEqual(record["version"], model.version)
        self.assertIn("youtube-psy.jsonl", record["trained_on"])

    def test_discard_threshold_keeps_ham_below_a_thousandth(self) -> None:
        rng = np.random.default_rng(1)
        score = np.concatenate([rng.beta(2, 8, 5000), rng.beta(8, 2, 1000)])
        y = np.concatenate([np.zeros(5000), np.ones(1000)])
        spam_t, discard_t = choose_thresholds(score, y, ["f"] * len(y))
        self.assertLessEqual((score[y == 0] >= discard_t).mean(), 0.001)
        self.assertLessEqual((score[y == 0] >= spam_t).mean(), 0.005)
        self.assertGreaterEqual(discard_t, spam_t)

    def test_layer_snapshot_round_trip(self) -> None:
        layer = Layer()
        vec = vectorize({"comment_content": "a new kind of spam about roofs"})
        layer.learn(vec.idx, vec.val, -2.0, True, 0.0)
        again = Layer.from_bytes(layer.to_bytes())
        self.assertEqual(again.margin(vec.idx, vec.val), layer.margin(vec.idx, vec.val))
        self.assertGreater(layer.margin(vec.idx, vec.val) - 2.0, 0.0)


class CorpusAndMetricTests(SimpleTestCase):
    def test_published_split_takes_first_70_percent_of_each_class(self) -> None:
        rows = [Row({"comment_content": str(i)}, i % 3 == 0, "f") for i in range(30)]
        train, test = published_split(rows)
        self.assertEqual(sum(r.spam for r in train), 7)
        self.assertEqual(sum(not r.spam for r in train), 14)
        self.assertTrue(all(r not in test for r in train))

    def test_dedupe_excludes_test_texts(self) -> None:
        rows = [Row({"comment_content": t}, False, "f") for t in ["a", "A ", "b"]]
        self.assertEqual([r.fields["comment_content"] for r in dedupe(rows, {"b"})], ["a"])

    def test_spamassassin_mails_are_read_without_their_headers(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            for group, text in (
                ("spam-1", "From: a@b.example\nSubject: Cheap pills\n\nBuy now.\n\nReally."),
                ("easy-ham-1", "From: c@d.example\n\nLunch at noon?"),
            ):
                folder = Path(tmp, "data", group)
                folder.mkdir(parents=True)
                record = {"id": "00001", "group": group, "text": text}
                (folder / "00001.abc.json").write_text(json.dumps(record))
            (Path(tmp, "data") / "file_list.json").write_text("[]")
            rows = read_spamassassin(Path(tmp))
            with self.assertRaises(FileNotFoundError):
                read_spamassassin(Path(tmp, "data"))
        by_text = {r.fields["comment_content"]: r for r in rows}
        self.assertEqual(set(by_text), {"Buy now.\n\nReally.", "Lunch at noon?"})
        self.assertTrue(by_text["Buy now.\n\nReally."].spam)
        self.assertFalse(by_text["Lunch at noon?"].spam)
        self.assertEqual({r.fields["comment_type"] for r in rows}, {"contact-form"})

    def test_metrics(self) -> None:
        y = np.array([1, 1, 0, 0], bool)
        self.assertEqual(metrics.mcc(y, y), 1.0)
        self.assertEqual(metrics.roc_auc(y, np.array([0.9, 0.8, 0.1, 0.2])), 1.0)
        self.assertAlmostEqual(
            metrics.report(y, np.array([1, 0, 0, 0], bool), y * 1.0)["recall"], 0.5
        )

    def test_minhash_finds_near_duplicates(self) -> None:
        a = minhash.signature("the quick brown fox jumps over the lazy dog near the river bank")
        b = minhash.signature("the quick brown fox jumps over the lazy dog near the river bend")
        c = minhash.signature("an entirely different sentence about council budgets and trams")
        assert a is not None
        assert b is not None
        assert c is not None
        self.assertGreater(minhash.similarity(a, b), 0.5)
        self.assertLess(minhash.similarity(a, c), 0.2)
        self.assertTrue(set(minhash.bands(a)) & set(minhash.bands(b)))

    def test_plot_writes_a_png(self) -> None:
        path = Path(self._tmp()) / "c.png"
        curve = (np.array([0, 0.5, 1.0]), np.array([1.0, 0.9, 0.5]))
        write_png(path, [curve], [curve])
        data = path.read_bytes()
        self.assertTrue(data.startswith(b"\x89PNG\r\n\x1a\n"))
        self.assertEqual(zlib.crc32(data[12:29]), int.from_bytes(data[29:33], "big"))

    def _tmp(self) -> str:
        import tempfile

        directory = tempfile.mkdtemp()
        self.addCleanup(__import__("shutil").rmtree, directory)
        return directory
