package io.mcpai.iac;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReferencesTest {
  private static List<String> refs(String hcl2jsonValue) {
    return References.in(TextNode.valueOf(hcl2jsonValue), Set.of("aws", "google")).stream()
        .map(References.Ref::text)
        .toList();
  }

  @Test
  void readsReferencesInsideInterpolations() {
    assertThat(refs("${var.a}-${local.b}/${module.m.url}"))
        .containsExactly("var.a", "local.b", "module.m.url");
    assertThat(refs("${aws_sqs_queue.jobs.arn}")).containsExactly("aws_sqs_queue.jobs");
    assertThat(refs("${data.aws_region.current.name}")).containsExactly("data.aws_region.current");
    assertThat(refs("${module.m[0].out}")).containsExactly("module.m.out");
  }

  @Test
  void stringLiteralsAndPlainTextAreNotReferences() {
    assertThat(refs("var.a is text, not an expression")).isEmpty();
    assertThat(refs("${jsonencode({ s = \"aws_x.y and var.z\" })}")).isEmpty();
    assertThat(refs("$${var.escaped}")).isEmpty();
    assertThat(refs("${each.value.var_name}")).isEmpty();
  }

  @Test
  void templatesInsideStringLiteralsAreRead() {
    assertThat(refs("${format(\"%s\", \"x-${var.inner}\")}")).containsExactly("var.inner");
    assertThat(refs("${{ for k, v in var.m : \"${k}\" => local.x }}"))
        .containsExactly("var.m", "local.x");
  }
}
