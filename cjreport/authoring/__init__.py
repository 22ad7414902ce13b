"""The maintainer's tools (`python -m cjreport …`): anchor, scaffold, segments, adjudicate, reanchor, repair.
No offset is typed by hand: the tools find words in the texts and write the records the loader checks."""
