import sys

sys.path.insert(0, sys.argv[1])
from blog.slugs import is_valid_slug, slugify, unique_slug

assert slugify("Hello, World") == "hello-world", slugify("Hello, World")
assert slugify("  Caf\u00e9 au lait!  ") == "cafe-au-lait"
assert slugify("Cr\u00e8me Br\u00fbl\u00e9e -- 10 tips") == "creme-brulee-10-tips"
assert slugify("!!!") == ""
long = slugify("word " * 30, max_length=12)
assert long == "word-word-wo" and is_valid_slug(long), long
assert slugify("abcde fgh", max_length=6) == "abcde"
assert unique_slug("!!!", set()) == "untitled"
assert unique_slug("Hello World", {"hello-world", "hello-world-2"}) == "hello-world-3"
for title in ("Caf\u00e9 -- Menu", "a" * 80, "x - y", "\u00c5ngstr\u00f6m units"):
    s = slugify(title)
    assert s == "" or is_valid_slug(s), (title, s)
print("ok")
