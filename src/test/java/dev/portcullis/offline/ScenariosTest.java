package dev.portcullis.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.cloud.simulator.World;
import dev.portcullis.cloud.simulator.WorldLoader;
import dev.portcullis.engine.Quotas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The five scenarios shipped in {@code examples/}, run through the same command a user runs. Each
 * states its verdicts; the manifests' own expectations must hold too.
 */
class ScenariosTest {
  private static OfflineRun run(String scenario, String manifests, String... extra) {
    String base = "examples/" + scenario + "/";
    String[] args = new String[5 + extra.length];
    args[0] = "offline";
    args[1] = "--world";
    args[2] = base + "world.yaml";
    args[3] = "--manifests";
    args[4] = base + manifests;
    System.arraycopy(extra, 0, args, 5, extra.length);
    return OfflineRun.of(args);
  }

  @Test
  void sshFromMyComputerOnly() {
    OfflineRun r =
        run(
            "01-ssh-from-my-computer",
            "manifests",
            "--ask",
            "203.0.113.8 i-1a000001 tcp/22",
            "--ask",
            "i-1a000001 i-1f000001 tcp/443",
            "--ask",
            "i-1a000001 203.0.113.80 tcp/443");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.answer("my-computer-gets-in")).contains("Reachable  expected Reachable: ok");
    assertThat(r.explanation("my-computer-gets-in"))
        .contains("ingress tcp port 22 from 203.0.113.7/32")
        .contains("scenario-1-ssh/ssh-from-laptop");
    assertThat(r.answer("another-computer-times-out")).contains("TimedOut  expected Blocked: ok");
    assertThat(r.explanation("another-computer-times-out"))
        .contains("no ingress rule")
        .contains("times out");
    assertThat(r.verdict("dev-box-reaches-out")).isEqualTo("Reachable");
    assertThat(r.explanation("dev-box-reaches-out")).contains("egress all traffic to 0.0.0.0/0");
    // the neighbouring address of my computer is another computer
    assertThat(r.out()).containsPattern("203.0.113.8 -> i-1a000001 tcp/22  TimedOut");
    // an address outside the estate: as far as the dev box's egress rules go
    assertThat(r.verdict("dev-box-reaches-the-internet")).isEqualTo("Reachable");
    assertThat(r.explanation("dev-box-reaches-the-internet"))
        .startsWith("reachable as far as security groups go")
        .contains("egress all traffic to 0.0.0.0/0")
        .contains("8.8.8.8 is outside the estate");
    // the server's public IP: over the internet, from the dev box's public IP
    assertThat(r.out())
        .contains("i-1a000001 -> 203.0.113.80 tcp/443  Reachable")
        .contains(
            "203.0.113.80 is the public IP of i-1f000001: the connection leaves through the"
                + " internet gateway");
    assertThat(r.out()).contains("1 groups, 1 attachments, 7 questions; 4 of 4 expectations met");
  }

  @Test
  void groupReferencesMatchByMembershipNotAddress() {
    OfflineRun r = run("02-group-references", "manifests");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.answer("group-1-gets-in")).contains("Reachable  expected Reachable: ok");
    assertThat(r.explanation("group-1-gets-in")).contains("scenario-2-references/database");
    assertThat(r.answer("group-2-gets-in")).contains("Reachable  expected Reachable: ok");
    assertThat(r.verdict("any-member-of-group-1")).isEqualTo("Reachable");
    assertThat(r.answer("group-3-is-blocked")).contains("TimedOut  expected Blocked: ok");
    assertThat(r.verdict("same-ip-other-network-is-blocked")).isEqualTo("TimedOut");
    assertThat(r.explanation("same-ip-other-network-is-blocked")).contains("different networks");
    assertThat(r.verdict("app-1-address-alone-is-blocked")).isEqualTo("TimedOut");
    assertThat(r.explanation("app-1-address-alone-is-blocked"))
        .contains("no ingress rule")
        .contains("from 10.0.1.11");
    assertThat(r.out()).contains("6 of 6 expectations met");
  }

  @Test
  void anInstanceGetsTheUnionOfItsGroups() {
    OfflineRun r = run("03-union-of-groups", "manifests");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.verdict("http-from-anywhere")).isEqualTo("Reachable");
    assertThat(r.explanation("http-from-anywhere")).contains("(scenario-3-union/web)");
    assertThat(r.verdict("https-from-ipv6")).isEqualTo("Reachable");
    assertThat(r.explanation("https-from-ipv6")).contains("from ::/0");
    assertThat(r.verdict("ssh-from-bastion")).isEqualTo("Reachable");
    assertThat(r.explanation("ssh-from-bastion")).contains("(scenario-3-union/admin)");
    assertThat(r.verdict("ssh-from-internet-blocked")).isEqualTo("TimedOut");
    assertThat(r.verdict("rdp-from-bastion-blocked")).isEqualTo("TimedOut");
    assertThat(r.out()).contains("5 of 5 expectations met");
  }

  @Test
  void aGroupCannotBeAttachedInAnotherVpc() {
    OfflineRun r = run("04-vpc-and-region-boundaries", "attach-across-vpcs");
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(OfflineCommand.NOT_MET);
    assertThat(r.out())
        .contains("REFUSED  i-4b000001 is in vpc-4b000001")
        .contains("can only be attached to interfaces of its own VPC");
    assertThat(r.out()).containsPattern("i-4a000001 \\(eni-[0-9a-f]+\\): sg-");
    assertThat(r.out()).doesNotContain("i-4b000001 (eni-");
    assertThat(r.verdict("app-in-b-cannot-use-the-group")).isEqualTo("TimedOut");
    assertThat(r.explanation("app-in-b-cannot-use-the-group")).contains("different networks");
  }

  @Test
  void aGroupCannotBeReferencedFromAnotherRegion() {
    OfflineRun r = run("04-vpc-and-region-boundaries", "reference-across-regions");
    assertThat(r.exitCode()).isEqualTo(OfflineCommand.INVALID);
    assertThat(r.err())
        .contains(
            "reference-across-regions/manifests.yaml: SecurityGroup scenario-4-across-regions/us-app")
        .contains("SecurityGroup app is in region eu-west-1 but this group is in us-east-1")
        .contains("never matches across regions")
        .contains("Nothing was applied.");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void allowedButNotListeningIsRefusedBlockedIsATimeOut() {
    OfflineRun r = run("05-refused-or-timed-out", "manifests");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.verdict("http-is-served")).isEqualTo("Reachable");
    assertThat(r.verdict("nothing-listens-on-8080")).isEqualTo("ConnectionRefused");
    assertThat(r.explanation("nothing-listens-on-8080"))
        .contains("nothing listens")
        .contains("refuses the connection");
    assertThat(r.verdict("ssh-is-blocked")).isEqualTo("TimedOut");
    assertThat(r.explanation("ssh-is-blocked")).contains("times out");
  }

  @Test
  void theFiveWorldsJoinIntoOneForTheOperatorDemo() throws IOException {
    List<Path> worlds;
    try (Stream<Path> dirs = Files.list(Path.of("examples"))) {
      worlds =
          dirs.map(d -> d.resolve("world.yaml")).filter(Files::isRegularFile).sorted().toList();
    }
    assertThat(worlds).hasSize(5);
    int instances = 0;
    for (Path w : worlds) {
      instances += WorldLoader.load(w).instances().size();
    }
    World all = WorldLoader.load(worlds, Quotas.DEFAULT);
    assertThat(all.instances()).hasSize(instances);
    assertThat(all.regions()).containsOnlyKeys("eu-west-1", "us-east-1");
  }
}
