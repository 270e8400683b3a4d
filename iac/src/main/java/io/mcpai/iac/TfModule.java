package io.mcpai.iac;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The blocks of one Terraform module (one directory of .tf files), from hcl2json's output. */
final class TfModule {
  /** A declared block: its file (relative to the checked tree), its label, and its body. */
  record Block(String file, String label, JsonNode body) {}

  final Path dir;
  final String name;
  final Map<String, Block> variables = new LinkedHashMap<>();
  final Map<String, Block> outputs = new LinkedHashMap<>();
  final Map<String, Block> locals = new LinkedHashMap<>();
  final Map<String, Block> resources = new LinkedHashMap<>(); // "type.name"
  final Map<String, Block> data = new LinkedHashMap<>(); // "type.name"
  final Map<String, Block> modules = new LinkedHashMap<>();
  final Map<String, Block> providers = new LinkedHashMap<>(); // "aws", "aws.alias"

  /** required_providers from versions.tf only, by local name. */
  final Map<String, JsonNode> requiredProviders = new LinkedHashMap<>();

  final List<Block> terraformBlocks = new ArrayList<>();
  final List<Finding> duplicates = new ArrayList<>();

  TfModule(Path dir, String name) {
    this.dir = dir;
    this.name = name;
  }

  /** Every block whose expressions are read for references. */
  List<Block> all() {
    List<Block> all = new ArrayList<>();
    for (Map<String, Block> m :
        List.of(variables, outputs, locals, resources, data, modules, providers)) {
      all.addAll(m.values());
    }
    return all;
  }

  void add(String file, JsonNode parsed) {
    for (Iterator<Map.Entry<String, JsonNode>> it = parsed.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> top = it.next();
      JsonNode v = top.getValue();
      switch (top.getKey()) {
        case "variable" -> named(file, v, "variable", variables);
        case "output" -> named(file, v, "output", outputs);
        case "module" -> named(file, v, "module", modules);
        case "resource" -> typed(file, v, "resource", resources);
        case "data" -> typed(file, v, "data", data);
        case "locals" ->
            v.forEach(
                l ->
                    l.fields()
                        .forEachRemaining(
                            e ->
                                put(
                                    locals,
                                    e.getKey(),
                                    new Block(file, "locals." + e.getKey(), e.getValue()))));
        case "provider" ->
            v.fields()
                .forEachRemaining(
                    e ->
                        e.getValue()
                            .forEach(
                                body -> {
                                  String alias = body.path("alias").asText("");
                                  String key = e.getKey() + (alias.isEmpty() ? "" : "." + alias);
                                  put(
                                      providers,
                                      key,
                                      new Block(file, "provider \"" + e.getKey() + "\"", body));
                                }));
        case "terraform" -> {
          v.forEach(t -> terraformBlocks.add(new Block(file, "terraform", t)));
          if (Path.of(file).getFileName().toString().equals("versions.tf")) {
            v.forEach(
                t ->
                    t.path("required_providers")
                        .forEach(
                            rp ->
                                rp.fields()
                                    .forEachRemaining(
                                        e -> requiredProviders.put(e.getKey(), e.getValue()))));
          }
        }
        default -> {} // moved, import, check: nothing to cross-check
      }
    }
  }

  private void named(String file, JsonNode v, String kind, Map<String, Block> into) {
    v.fields()
        .forEachRemaining(
            e ->
                e.getValue()
                    .forEach(
                        body ->
                            put(
                                into,
                                e.getKey(),
                                new Block(file, kind + " \"" + e.getKey() + "\"", body))));
  }

  private void typed(String file, JsonNode v, String kind, Map<String, Block> into) {
    v.fields()
        .forEachRemaining(
            type ->
                type.getValue()
                    .fields()
                    .forEachRemaining(
                        n ->
                            n.getValue()
                                .forEach(
                                    body ->
                                        put(
                                            into,
                                            type.getKey() + "." + n.getKey(),
                                            new Block(
                                                file,
                                                kind
                                                    + " \""
                                                    + type.getKey()
                                                    + "\" \""
                                                    + n.getKey()
                                                    + "\"",
                                                body)))));
  }

  private void put(Map<String, Block> into, String key, Block b) {
    Block old = into.putIfAbsent(key, b);
    if (old != null) {
      duplicates.add(
          new Finding(
              b.file(), b.label(), key, "declared twice in module (also in " + old.file() + ")"));
    }
  }

  /** A variable without a default must be given by every caller. */
  static boolean required(Block variable) {
    return !variable.body().has("default");
  }
}
