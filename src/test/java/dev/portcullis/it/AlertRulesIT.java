package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The shipped alert rules, checked and unit-tested by Debian's promtool: every rule is valid, and
 * every alert has a test in which it fires and one in which it stays quiet.
 */
class AlertRulesIT {
  private static String promtool(String... args) {
    List<String> command = new ArrayList<>(List.of(Monitoring.binary("promtool").toString()));
    command.addAll(List.of(args));
    return Monitoring.run(command);
  }

  @Test
  void theRulesAreValid() {
    String out = promtool("check", "rules", Monitoring.ALERTS.toString());
    assertThat(out).contains("SUCCESS: " + Monitoring.alerts(Monitoring.ALERTS).size() + " rules");
  }

  @Test
  void everyAlertFiresAndStaysQuietAsItsTestsSay() {
    String out = promtool("test", "rules", Monitoring.ALERT_TESTS.toString());
    assertThat(out).contains("SUCCESS").doesNotContain("FAILED");
  }

  @Test
  void everyAlertHasATestThatFiresItAndOneThatDoesNot() {
    JsonNode tests = Monitoring.yaml(Monitoring.ALERT_TESTS);
    assertThat(tests.path("rule_files").get(0).asText())
        .as("the tests load the shipped rules")
        .isEqualTo(Monitoring.ALERTS.getFileName().toString());
    Set<String> fired = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    for (JsonNode test : tests.path("tests")) {
      for (JsonNode t : test.path("alert_rule_test")) {
        String name = t.get("alertname").asText();
        JsonNode expected = t.path("exp_alerts");
        if (expected.isEmpty()) {
          quiet.add(name);
        } else {
          fired.add(name);
          expected.forEach(
              a ->
                  assertThat(a.path("exp_annotations").fieldNames())
                      .toIterable()
                      .as("%s: what a person on call reads is tested", name)
                      .contains("summary", "description"));
        }
      }
    }
    Map<String, String> alerts = Monitoring.alerts(Monitoring.ALERTS);
    assertThat(alerts).hasSizeGreaterThanOrEqualTo(7);
    assertThat(fired).as("alerts with a test in which they fire").isEqualTo(alerts.keySet());
    assertThat(quiet).as("alerts with a test in which they stay quiet").isEqualTo(alerts.keySet());
  }
}
