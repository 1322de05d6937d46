package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart ships the alert rules and the dashboards that {@code monitoring/} holds and tests (Helm
 * reads only files inside the chart): the copies under {@code helm/portcullis/files/} must be the
 * same, byte for byte, so that what promtool and the Prometheus test prove is what users get.
 */
class ChartMonitoringFilesTest {
  private static final Path CHART_FILES = Path.of("helm", "portcullis", "files");
  private static final String HOW_TO_FIX =
      "copy them again: cp monitoring/alerts.yaml helm/portcullis/files/alerts/portcullis.yaml"
          + " && rm -f helm/portcullis/files/dashboards/*.json"
          + " && cp monitoring/dashboards/*.json helm/portcullis/files/dashboards/";

  @Test
  void chartAlertRulesAreMonitoringsAlertRules() throws IOException {
    assertThat(Files.readString(CHART_FILES.resolve("alerts/portcullis.yaml")))
        .as(HOW_TO_FIX)
        .isEqualTo(Files.readString(Path.of("monitoring", "alerts.yaml")));
    assertThat(names(CHART_FILES.resolve("alerts")))
        .as("the chart's only alert rules file")
        .containsExactly("portcullis.yaml");
  }

  @Test
  void chartDashboardsAreMonitoringsDashboards() throws IOException {
    Path source = Path.of("monitoring", "dashboards");
    List<String> names = names(source);
    assertThat(names).isNotEmpty();
    assertThat(names(CHART_FILES.resolve("dashboards"))).as(HOW_TO_FIX).isEqualTo(names);
    for (String name : names) {
      assertThat(Files.readString(CHART_FILES.resolve("dashboards").resolve(name)))
          .as("%s: %s", name, HOW_TO_FIX)
          .isEqualTo(Files.readString(source.resolve(name)));
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<String> out = new ArrayList<>(files.map(p -> p.getFileName().toString()).toList());
      out.sort(null);
      return out;
    }
  }
}
