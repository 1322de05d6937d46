package dev.portcullis.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The CRDs committed in {@code crds/} are exactly the ones the build generates from the Java types
 * in this package, printer columns ordered by {@link PrinterColumnOrder}. A change to the API
 * without regenerating them fails here, so that what is installed in a cluster never differs from
 * what the operator was built against.
 */
class CrdsUpToDateTest {
  private static final String HOW_TO_FIX =
      "crds/ is out of date with the Java types in dev.portcullis.api.v1alpha1. Regenerate it"
          + " with ./scripts/update-crds.sh (or: mvn -q process-test-classes && rm crds/*.yml"
          + " && cp target/crds/*.yml crds/), review the diff and commit it. A file in target/crds"
          + " for a kind that no longer exists is left over from an earlier build: mvn clean.";

  @Test
  void committedCrdsEqualGeneratedOnes() throws IOException {
    List<Path> generated = GeneratedCrds.files(GeneratedCrds.GENERATED);
    assertThat(generated)
        .as(
            "no CRDs in target/crds: the crd-generator plugin runs in process-classes (and"
                + " PrinterColumnOrder in process-test-classes); run the tests with mvn")
        .isNotEmpty();

    List<String> problems =
        differences(GeneratedCrds.GENERATED, GeneratedCrds.COMMITTED, "crds/", "generated file");
    if (!problems.isEmpty()) {
      fail(HOW_TO_FIX + "\n  " + String.join("\n  ", problems));
    }
  }

  /** The chart installs the same CRDs, byte for byte, as crds/ holds. */
  @Test
  void chartCrdsEqualCommittedOnes() throws IOException {
    List<String> problems =
        differences(GeneratedCrds.COMMITTED, CHART_CRDS, "helm/portcullis/crds/", "crds/ file");
    assertThat(problems)
        .as(
            "helm/portcullis/crds/ differs from crds/: ./scripts/update-crds.sh copies crds/ there;"
                + " run it and commit both")
        .isEmpty();
  }

  static final Path CHART_CRDS = Path.of("helm", "portcullis", "crds");

  /** What differs between the folder {@code source} and its copy {@code copy}. */
  private static List<String> differences(Path source, Path copy, String copyName, String what)
      throws IOException {
    Set<String> sourceNames = names(GeneratedCrds.files(source));
    Set<String> copyNames = names(GeneratedCrds.files(copy));
    List<String> problems = new ArrayList<>();
    for (String name : sourceNames) {
      if (!copyNames.contains(name)) {
        problems.add("missing from " + copyName + ": " + name);
      } else if (Files.mismatch(source.resolve(name), copy.resolve(name)) != -1) {
        problems.add("differs from the " + what + ": " + copyName + name);
      }
    }
    for (String name : copyNames) {
      if (!sourceNames.contains(name)) {
        problems.add("no longer in " + source + ", remove it: " + copyName + name);
      }
    }
    return problems;
  }

  private static Set<String> names(List<Path> files) {
    Set<String> out = new TreeSet<>();
    files.forEach(f -> out.add(f.getFileName().toString()));
    return out;
  }
}
