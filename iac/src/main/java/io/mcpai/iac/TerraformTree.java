package io.mcpai.iac;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A tree of Terraform modules checked as a whole: finds the .tf files, parses them with HashiCorp's
 * parser and runs {@link IacCheck} and {@link FmtCheck}. {@code main} runs it from the command
 * line: {@code java -cp iac/target/classes:<jackson> io.mcpai.iac.TerraformTree iac}.
 */
public final class TerraformTree {
  /** Directories never searched: build output, npm's, terraform's, and test fixtures. */
  private static final Set<String> SKIP = Set.of("target", "node_modules", ".terraform", "src");

  /** Everything the check found, and what it compared. */
  public record Report(List<Path> files, List<Finding> findings, Map<String, Integer> ruleHits) {}

  private TerraformTree() {}

  /** The .tf files under {@code dir}, outside build output and test fixtures. */
  public static List<Path> tfFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".tf"))
          .filter(p -> dir.relativize(p).getNameCount() < 2 || !skipped(dir.relativize(p)))
          .sorted()
          .toList();
    }
  }

  private static boolean skipped(Path rel) {
    for (Path seg : rel) {
      if (SKIP.contains(seg.toString())) {
        return true;
      }
    }
    return false;
  }

  public static Report check(Path tree, Path repoRoot, Artifacts artifacts, Hcl2Json parser)
      throws IOException {
    List<Path> files = tfFiles(tree);
    Map<Path, JsonNode> parsed = parser.parse(files);
    IacCheck.Result r = IacCheck.check(tree, repoRoot, parsed, artifacts);
    List<Finding> all = new ArrayList<>(r.findings());
    for (Path f : files) {
      all.addAll(FmtCheck.check(tree.relativize(f).toString(), Files.readString(f)));
    }
    return new Report(files, all, r.ruleHits());
  }

  public static void main(String[] args) throws IOException {
    Path iac = Path.of(args.length > 0 ? args[0] : "iac").toAbsolutePath().normalize();
    Artifacts artifacts = Artifacts.read(iac.resolve("artifacts.json"));
    Hcl2Json parser =
        Hcl2Json.install(iac.resolve("target/node"), args.length > 1 ? args[1] : "0.21.0");
    Report r = check(iac, iac.getParent(), artifacts, parser);
    BuildContract.Result b = BuildContract.check(iac.getParent(), artifacts);
    b.skipped().forEach(s -> System.out.println("skipped: " + s));
    List<Finding> all = new ArrayList<>(r.findings());
    all.addAll(b.findings());
    all.forEach(System.out::println);
    System.out.println(r.files().size() + " files, " + all.size() + " findings");
    System.exit(all.isEmpty() ? 0 : 1);
  }
}
