package io.mcpai.core.tokenizer;

import java.util.ArrayList;
import java.util.List;

/** A varied corpus for exactness tests: every case here has tripped a tokenizer somewhere. */
final class Corpus {
  private Corpus() {}

  static List<String> texts() {
    List<String> t = new ArrayList<>();
    t.add("");
    t.add("Hello world");
    t.add("Hello, world! How are you today?");
    t.add("The quick brown fox jumps over the lazy dog.");
    t.add("I'm sure it's fine -- isn't it? \"Yes,\" she said.");
    t.add("Café, naïve, résumé, Ångström, façade, jalapeño, Zürich, Łódź, İstanbul");
    t.add("Ça va? Où est la gare? Ich möchte ein Brötchen. ¿Dónde está?");
    t.add("日本語のテキストです。東京は大きい都市です。");
    t.add("中文文本测试：你好，世界！");
    t.add("한국어 텍스트입니다. 안녕하세요");
    t.add("Привет, мир! Как дела?");
    t.add("Γειά σου κόσμε· ελληνικά");
    t.add("مرحبا بالعالم");
    t.add("שלום עולם");
    t.add("हिन्दी पाठ का परीक्षण");
    t.add("ไทย ภาษาไทย");
    t.add("Emoji: 😀😃😄 👍🏽 🎉");
    t.add("Family: 👨‍👩‍👧‍👦 and 🏳️‍🌈 and 👩🏽‍💻");
    t.add("Flags: 🇺🇸🇫🇷🇯🇵🇩🇪");
    t.add("Math: ∑ ∫ √ ∞ ≠ ≤ ≥ π ≈ 3.14159; 𝔸𝔹ℂ 𝒳");
    t.add(
        "public static void main(String[] args) {\n"
            + "    System.out.println(\"Hello\");\n"
            + "\tint x = 42; // comment\n"
            + "}\n");
    t.add("def f(x):\n    return [i**2 for i in range(x) if i % 2 == 0]\n");
    t.add("SELECT * FROM users WHERE id = 1 AND name LIKE '%bob%';");
    t.add("{\"key\": [1, 2, 3], \"nested\": {\"a\": null, \"b\": true}}");
    t.add("<html><body><p class=\"x\">Hi &amp; bye</p></body></html>");
    t.add("https://example.com/path?query=1&other=two#frag");
    t.add(" ");
    t.add("  ");
    t.add("   leading spaces");
    t.add("trailing spaces   ");
    t.add("multiple     spaces    between      words");
    t.add("\t\ttabs\tand\ttabs\t");
    t.add("\n");
    t.add("\n\nnewlines\n\n\nand more\n");
    t.add("\r\nwindows\r\nline endings\r\n");
    t.add(" \t \n mixed \u00A0 nbsp \u2003 em space \u3000 ideographic");
    t.add("a".repeat(3000));
    t.add("ab".repeat(1500));
    t.add("Supercalifragilisticexpialidocious".repeat(100));
    t.add("x" + "日本".repeat(800));
    t.add("😀".repeat(500));
    t.add("Mixed: Hello 世界 мир 🌍 عالم — done.");
    t.add("control\u0000chars\u0001\u0002\u001F\u007F here");
    t.add("zero\u200Bwidth\u200Cjoiner\u200Dtest\uFEFF");
    t.add("<s> </s> <unk> [INST] <<SYS>> <</SYS>> [/INST] <|im_start|>");
    t.add("<0x41> ▁ ▁▁ literal escapes");
    t.add("1234567890 3.14159 1,000,000 2024-01-01T12:00:00Z");
    t.add("Numbers: 0 00 000 0000 12345678901234567890");
    t.add("Punctuation!!! ??? ... --- ___ *** ### @@@ $$$ %%% ^^^ &&& ((( )))");
    t.add("\uFFFD replacement and \uD835\uDD38 surrogate pair");
    t.add("A");
    t.add("▁");
    t.add("é");
    t.add("ﬁ ligature ① circled Ｆｕｌｌｗｉｄｔｈ");
    return t;
  }
}
