package dev.portcullis.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.Main;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.RequestLimits;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad configuration is refused with a message naming the option, before anything starts. */
class OperatorCommandTest {
  record Run(int exit, String err) {}

  static Run run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new Main());
    cmd.setErr(new PrintWriter(err));
    cmd.setOut(new PrintWriter(new StringWriter()));
    String[] all = new String[args.length + 1];
    all[0] = "operator";
    System.arraycopy(args, 0, all, 1, args.length);
    return new Run(cmd.execute(all), err.toString());
  }

  @Test
  void refusesWhatItCannotRun() {
    String world = "src/test/resources/worlds/demo.yaml";
    assertThat(run("--cloud", "azure", "--world", world))
        .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
        .satisfies(r -> assertThat(r.err()).contains("--cloud").contains("azure"));
    assertThat(run("--world", world, "--throttling", "maybe").err()).contains("--throttling");
    assertThat(run("--world", world, "--resync", "PT0S").err()).contains("--resync");
    assertThat(run("--world", world, "--metrics-port", "70000").err()).contains("--metrics-port");
    assertThat(run("--world", "no/such/world.yaml").exit()).isEqualTo(2);
    assertThat(run("--world", world, "--resync", "soon").exit()).isEqualTo(2);
    assertThat(run("--world", world, "--drift-scan-interval", "-PT1S").err())
        .contains("--drift-scan-interval: must not be negative");
  }

  @Test
  void servesEc2OnlyFromTheSimulatorAndOnlyOnLoopbackUnlessAllowed() {
    String world = "src/test/resources/worlds/demo.yaml";
    assertThat(run("--cloud", "aws", "--serve-ec2", "127.0.0.1:0"))
        .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
        .satisfies(r -> assertThat(r.err()).contains("--serve-ec2").contains("--cloud simulator"));
    assertThat(run("--world", world, "--serve-ec2", "0.0.0.0:0"))
        .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
        .satisfies(r -> assertThat(r.err()).contains("--serve-ec2").contains("not a loopback"));
    assertThat(run("--world", world, "--serve-ec2", "127.0.0.1"))
        .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
        .satisfies(r -> assertThat(r.err()).contains("--serve-ec2").contains("host:port"));
  }

  /** The operator on AWS reading a flow log group, with {@code option} set to {@code value}. */
  private static Run withFlowLogs(String option, String value) {
    return run(
        "--cloud",
        "aws",
        "--flow-log-group",
        "/vpc/flows",
        "--flow-log-region",
        "eu-west-1",
        option,
        value);
  }

  @Test
  void refusesAFlowLogCheckpointThatCannotBeNamed() {
    assertThat(withFlowLogs("--flow-log-checkpoint", "Not_A_Name"))
        .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
        .satisfies(
            r ->
                assertThat(r.err())
                    .contains(
                        "--flow-log-checkpoint: \"Not_A_Name\" is not a valid ConfigMap name"));
  }

  @Test
  void refusesAFlowLogEndpointThatIsNoUrlOrHasNoGroup() {
    assertThat(withFlowLogs("--flow-log-endpoint", "ftp://127.0.0.1:1"))
        .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
        .satisfies(
            r ->
                assertThat(r.err())
                    .contains(
                        "--flow-log-endpoint: \"ftp://127.0.0.1:1\" is not an http or https URL"));
    assertThat(run("--cloud", "aws", "--flow-log-endpoint", "http://127.0.0.1:5000"))
        .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
        .satisfies(
            r -> assertThat(r.err()).contains("--flow-log-endpoint: only with --flow-log-group"));
  }

  @Test
  void refusesALeaseThatCannotBeNamed() {
    String world = "src/test/resources/worlds/demo.yaml";
    assertThat(run("--world", world, "--leader-election", "--leader-election-lease", "Not_A_Name"))
        .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
        .satisfies(r -> assertThat(r.err()).contains("--leader-election-lease").contains("Not_A"));
    assertThat(
            run("--world", world, "--leader-election=true", "--leader-election-namespace", "a.b"))
        .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
        .satisfies(r -> assertThat(r.err()).contains("--leader-election-namespace"));
    assertThat(run("--world", world, "--leader-election=maybe").exit()).isEqualTo(2);
  }

  @Test
  void refusesBadAwsSettingsNamingTheFlag() {
    assertThat(run("--cloud", "aws", "--aws-endpoint", "not a url"))
        .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
        .satisfies(r -> assertThat(r.err()).contains("--aws-endpoint"));
    assertThat(run("--cloud", "aws", "--aws-endpoint", "ftp://127.0.0.1:1"))
        .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
        .satisfies(r -> assertThat(r.err()).contains("--aws-endpoint"));
    assertThat(run("--cloud", "aws", "--aws-max-attempts", "0"))
        .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
        .satisfies(r -> assertThat(r.err()).contains("--aws-max-attempts"));
    assertThat(run("--cloud", "aws", "--aws-max-attempts", "11").exit()).isEqualTo(2);
    assertThat(run("--cloud", "aws", "--quota-rules-per-group", "0"))
        .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
        .satisfies(r -> assertThat(r.err()).contains("--quota-rules-per-group"));
    assertThat(run("--cloud", "aws", "--quota-groups-per-interface", "17"))
        .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
        .satisfies(r -> assertThat(r.err()).contains("--quota-groups-per-interface"));
    assertThat(run("--cloud", "aws", "--quota-groups-per-interface", "many").exit()).isEqualTo(2);
    assertThat(run("--cloud", "aws", "--resync", "PT0S").err()).contains("--resync");
  }

  @Test
  void rateLimitIsOnOffOrAFactorOfTheDefaults() {
    RequestLimits on = OperatorCommand.requestLimits("on");
    assertThat(on.of(Ec2Action.CREATE_SECURITY_GROUP))
        .isEqualTo(RequestLimits.defaults().of(Ec2Action.CREATE_SECURITY_GROUP));
    assertThat(OperatorCommand.requestLimits("off")).isNull();
    assertThat(OperatorCommand.requestLimits("2").of(Ec2Action.CREATE_SECURITY_GROUP).perSecond())
        .isEqualTo(2 * on.of(Ec2Action.CREATE_SECURITY_GROUP).perSecond());
    assertThatThrownBy(() -> OperatorCommand.requestLimits("fast"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OperatorCommand.requestLimits("0"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aShardIsALabelValueAndAShareAFractionOfTheLimits() {
    String world = "src/test/resources/worlds/demo.yaml";
    assertThat(run("--world", world, "--shard", "team a"))
        .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
        .satisfies(r -> assertThat(r.err()).contains("--shard: \"team a\" is not a label value"));
    for (String share : new String[] {"0", "1.5", "-0.5", "NaN"}) {
      assertThat(run("--world", world, "--rate-limit-share", share))
          .as(share)
          .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
          .satisfies(r -> assertThat(r.err()).contains("--rate-limit-share"));
    }
    assertThat(run("--world", world, "--rate-limit-share", "half").exit()).isEqualTo(2);
    assertThat(run("--world", world, "--rate-limit", "off", "--rate-limit-share", "0.5"))
        .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
        .satisfies(r -> assertThat(r.err()).contains("--rate-limit-share: needs --rate-limit"));
  }

  @Test
  void theOperatorPacesEc2CallsUnlessTurnedOff() {
    assertThat(PortcullisOperator.Settings.defaults().requestLimits()).isNotNull();
    assertThat(PortcullisOperator.Settings.defaults().withRequestLimits(null).requestLimits())
        .isNull();
  }
}
