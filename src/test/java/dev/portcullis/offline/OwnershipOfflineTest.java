package dev.portcullis.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rule ownership and the default egress rule of a group created by the offline command. */
class OwnershipOfflineTest {
  private static final String WORLD = "examples/05-refused-or-timed-out/world.yaml";

  @TempDir Path dir;

  private OfflineRun apply(String spec) throws IOException {
    Path f = dir.resolve("g.yaml");
    Files.writeString(
        f,
        "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\n"
            + "metadata: {name: web, namespace: demo}\n"
            + "spec:\n  region: eu-west-1\n  vpcId: vpc-5a000001\n"
            + spec);
    return OfflineRun.of("offline", "--world", WORLD, "--manifests", f.toString());
  }

  @Test
  void egressLeftOutKeepsTheDefaultRule() throws IOException {
    OfflineRun r = apply("  ruleOwnership: Additive\n");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("egress all traffic to 0.0.0.0/0").contains("egress 1");
  }

  @Test
  void anEmptyEgressListRemovesTheDefaultRuleEvenUnderAdditiveOwnership() throws IOException {
    for (String ownership : new String[] {"Additive", "Authoritative"}) {
      OfflineRun r = apply("  ruleOwnership: " + ownership + "\n  egress: []\n");
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(r.out()).as(ownership).doesNotContain("egress all traffic").contains("egress 0");
    }
  }

  @Test
  void anExplicitEgressListReplacesTheDefaultRule() throws IOException {
    OfflineRun r =
        apply("  ruleOwnership: Additive\n  egress: [{ports: [https], to: [{cidr: 0.0.0.0/0}]}]\n");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("egress tcp port 443 to 0.0.0.0/0")
        .doesNotContain("egress all traffic");
  }
}
