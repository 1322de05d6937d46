package dev.portcullis.it;

import static dev.portcullis.it.OperatorRun.EU;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.cloud.simulator.endpoint.Ec2Endpoint;
import dev.portcullis.cloud.simulator.endpoint.Ec2QueryService;
import io.fabric8.kubernetes.api.model.Condition;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's simulator served as an EC2 endpoint (what {@code --serve-ec2} does), changed from
 * outside with the AWS CLI while the operator runs: the rule the CLI adds is drift, revoked under
 * {@code driftPolicy: Correct} and only reported under {@code Report}, as the README walks through.
 * The resync is ten minutes here: the drift scan, every second, is what finds the change.
 */
@ExtendWith(DiagnosticsOnFailure.class)
class OutOfBandChangesIT {
  @TempDir Path home;

  static Path aws() {
    String explicit = System.getenv("PORTCULLIS_MOTO_VENV");
    String cache = System.getenv("PORTCULLIS_CACHE");
    Path venv =
        explicit != null && !explicit.isBlank()
            ? Path.of(explicit)
            : (cache != null && !cache.isBlank()
                    ? Path.of(cache)
                    : Path.of(System.getProperty("user.home"), ".cache", "portcullis"))
                .resolve("moto-venv");
    Path aws = venv.resolve("bin").resolve("aws");
    if (!Files.isExecutable(aws)) {
      throw new IllegalStateException("no " + aws + ": run scripts/moto.sh, which installs it");
    }
    return aws;
  }

  /** Runs {@code aws ec2 ARGS} against the endpoint, as the demo prints it; returns its output. */
  private String awsEc2(Ec2Endpoint endpoint, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(aws().toString(), "ec2"));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--endpoint-url", endpoint.uri().toString(), "--region", EU));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    env.remove("AWS_PROFILE");
    env.put("AWS_CONFIG_FILE", home.resolve("config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    Process p = pb.start();
    p.getOutputStream().close();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("aws %s: %s", String.join(" ", args), out).isZero();
    return out;
  }

  @Test
  void aRuleAddedWithTheAwsCliIsRevokedOrReportedAsThePolicySays() throws Exception {
    try (OperatorRun run =
            new OperatorRun("out-of-band")
                .tuned(
                    s ->
                        s.withResync(Duration.ofMinutes(10))
                            .withDriftScanInterval(Duration.ofSeconds(1)))
                .start();
        Ec2Endpoint endpoint =
            Ec2Endpoint.start(
                run.sim,
                new InetSocketAddress("127.0.0.1", 0),
                Ec2QueryService.Settings.open().withRegions(run.sim.world().regions().keySet()),
                false)) {
      String ssh = "  ingress:\n    - ports: [ssh]\n      from: [{cidr: 10.0.0.0/16}]\n";
      run.apply(SecurityGroup.class, SecurityGroupIT.sg("fixed", ssh));
      run.apply(
          SecurityGroup.class, SecurityGroupIT.sg("watched", "  driftPolicy: Report\n" + ssh));
      run.awaitCondition(SecurityGroup.class, "fixed", "Ready", "True");
      run.awaitCondition(SecurityGroup.class, "watched", "Ready", "True");

      long changed = System.nanoTime();
      for (String name : List.of("fixed", "watched")) {
        String out =
            awsEc2(
                endpoint,
                "authorize-security-group-ingress",
                "--group-id",
                run.groupId(name),
                "--protocol",
                "tcp",
                "--port",
                "3389",
                "--cidr",
                "0.0.0.0/0");
        assertThat(out).contains("\"FromPort\": 3389");
      }

      // Correct: the drift scan finds the rule within seconds, long before the resync.
      run.awaitEvent("fixed", "DriftCorrected");
      assertThat(Duration.ofNanos(System.nanoTime() - changed))
          .as("found by the scan, not by the ten-minute resync")
          .isLessThan(Duration.ofSeconds(30));
      await()
          .atMost(30, SECONDS)
          .pollInterval(200, MILLISECONDS)
          .until(
              () ->
                  !SecurityGroupIT.rules(run.group(run.groupId("fixed")))
                      .contains("ingress tcp port 3389 from 0.0.0.0/0"));
      assertThat(
              awsEc2(
                  endpoint,
                  "describe-security-groups",
                  "--group-ids",
                  run.groupId("fixed"),
                  "--output",
                  "text"))
          .doesNotContain("3389");

      // Report: the rule stays, and the status says what differs.
      Condition drifted =
          run.awaitCondition(SecurityGroup.class, "watched", "Drifted", "True", "DriftDetected");
      assertThat(drifted.getMessage()).contains("unexpected: ingress tcp port 3389 from 0.0.0.0/0");
      assertThat(
              awsEc2(
                  endpoint,
                  "describe-security-groups",
                  "--group-ids",
                  run.groupId("watched"),
                  "--output",
                  "text"))
          .contains("3389");
      assertThat(Duration.ofNanos(System.nanoTime() - changed)).isLessThan(Duration.ofSeconds(60));
    }
  }
}
