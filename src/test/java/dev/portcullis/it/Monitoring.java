package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the project ships under {@code monitoring/} (alert rules, their promtool tests, Grafana
 * dashboards), read as data, and Debian's {@code prometheus} package that runs them.
 */
final class Monitoring {
  static final Path DIR = Path.of("monitoring");
  static final Path ALERTS = DIR.resolve("alerts.yaml");
  static final Path ALERT_TESTS = DIR.resolve("alerts-test.yaml");
  static final Path DASHBOARDS = DIR.resolve("dashboards");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private Monitoring() {}

  /** A program of Debian's {@code prometheus} package, which scripts/test.sh installs. */
  static Path binary(String name) {
    for (String dir : List.of("/usr/bin", "/usr/local/bin")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new IllegalStateException(
        "no " + name + ": install Debian's prometheus package (scripts/test.sh does)");
  }

  static JsonNode yaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  static JsonNode json(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** The alerts of a rules file: name to expression. */
  static Map<String, String> alerts(Path rules) {
    Map<String, String> alerts = new TreeMap<>();
    for (JsonNode group : yaml(rules).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("alert")) {
          alerts.put(rule.get("alert").asText(), rule.get("expr").asText());
        }
      }
    }
    return alerts;
  }

  /** The dashboards' JSON files. */
  static List<Path> dashboards() {
    try (Stream<Path> files = Files.list(DASHBOARDS)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One query of a dashboard's panel. */
  record PanelQuery(String dashboard, String panel, String expr) {
    @Override
    public String toString() {
      return dashboard + " / " + panel + ": " + expr;
    }
  }

  /** Every query of every panel of every dashboard, in rows too. */
  static List<PanelQuery> panelQueries() {
    List<PanelQuery> queries = new ArrayList<>();
    for (Path file : dashboards()) {
      JsonNode d = json(file);
      collect(d.path("title").asText(file.getFileName().toString()), d.path("panels"), queries);
    }
    return queries;
  }

  private static void collect(String dashboard, JsonNode panels, List<PanelQuery> into) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        into.add(
            new PanelQuery(dashboard, panel.path("title").asText(), target.get("expr").asText()));
      }
      collect(dashboard, panel.path("panels"), into);
    }
  }

  /** A metric of docs/metrics.md: its name (a regular expression) and documented labels. */
  record DocumentedMetric(String name, String pattern, Set<String> labels) {}

  /**
   * The metrics docs/metrics.md lists in its tables: the first cell names the metric ({@code <x>}
   * stands for any name part); a {@code labels} column names the labels, each one's values in
   * brackets after it, or {@code as `another_metric`} for the labels of a metric listed above.
   */
  static List<DocumentedMetric> documentedMetrics() {
    List<DocumentedMetric> metrics = new ArrayList<>();
    boolean hasLabels = false;
    for (String line : read(Path.of("docs", "metrics.md")).split("\n")) {
      if (line.startsWith("| metric |")) {
        hasLabels = line.contains("| labels |");
      }
      Matcher m = ROW.matcher(line);
      if (!m.find()) {
        continue;
      }
      String[] cells = line.split("\\|");
      String name = m.group(1);
      Set<String> labels = new TreeSet<>();
      if (hasLabels) {
        String cell = cells[3];
        String flat;
        while (!(flat = cell.replaceAll("\\([^()]*\\)", "")).equals(cell)) {
          cell = flat;
        }
        Matcher same = Pattern.compile("^\\s*as `([a-z_]+)`\\s*$").matcher(cell);
        if (same.find()) {
          String other = same.group(1);
          labels.addAll(
              metrics.stream()
                  .filter(d -> d.name().equals(other))
                  .findFirst()
                  .orElseThrow(() -> new IllegalStateException(name + ": no metric " + other))
                  .labels());
        } else {
          Matcher l = Pattern.compile("`([a-z_]+)`").matcher(cell);
          while (l.find()) {
            labels.add(l.group(1));
          }
        }
      }
      // names are made of [a-z_] only: no character of a regular expression but the part
      metrics.add(new DocumentedMetric(name, name.replaceAll("<[a-z]+>", ".+"), labels));
    }
    return metrics;
  }

  private static final Pattern ROW = Pattern.compile("^\\| `([a-z_<>]+)` \\|");

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The output of a command that must succeed within a minute. */
  static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
      assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
