package dev.portcullis.cloud.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.engine.NamedGroupPeer;
import dev.portcullis.engine.Problem;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.eval.Listener;
import dev.portcullis.engine.eval.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldLoaderTest {
  private static final World DEMO = WorldLoader.loadResource("/worlds/demo.yaml");

  private static final String HEAD =
      """
      regions:
        eu-west-1:
          vpcs:
            - id: vpc-0a000001
              cidr: 10.0.0.0/16
          instances:
      """;

  private static WorldFileException failure(String yaml) {
    try {
      WorldLoader.parse(yaml, "bad.yaml");
    } catch (WorldFileException e) {
      return e;
    }
    throw new AssertionError("expected the world to be refused");
  }

  private static List<String> fields(WorldFileException e) {
    return e.problems().stream().map(Problem::field).toList();
  }

  @Test
  void readsTheDemoWorld() {
    assertThat(DEMO.regions()).containsOnlyKeys("eu-west-1", "us-east-1");
    World.Region eu = DEMO.regions().get("eu-west-1");
    assertThat(eu.vpcs()).extracting(World.Vpc::id).containsExactly("vpc-0a000001", "vpc-0b000002");
    assertThat(eu.prefixLists())
        .singleElement()
        .satisfies(pl -> assertThat(pl.maxEntries()).isEqualTo(10));
    World.GroupSpec monitoring = eu.vpcs().get(0).groups().get(0);
    assertThat(monitoring.name()).isEqualTo("monitoring");
    assertThat(monitoring.ingress().get(0).peer()).isEqualTo(new NamedGroupPeer("monitoring"));
    assertThat(monitoring.egress()).containsExactly(Rule.DEFAULT_EGRESS);

    World.Instance web = eu.instances().get(1);
    assertThat(web.id()).isEqualTo("i-0a000002");
    assertThat(web.listening())
        .containsExactlyInAnyOrder(
            new Listener(Protocol.TCP, 80),
            new Listener(Protocol.TCP, 443),
            new Listener(Protocol.TCP, 9100));
    assertThat(web.interfaces()).hasSize(2);
    assertThat(web.primary().groups()).containsExactly("default", "monitoring");
    assertThat(web.interfaces().get(1).groups()).isEmpty();
    assertThat(eu.instances().get(0).primary().ipv6()).isEqualTo("2001:db8:100::10");

    assertThat(DEMO.traffic())
        .extracting(World.TrafficFlow::name)
        .containsExactly("ssh-from-office", "ssh-from-elsewhere", "web-to-db");
    World.TrafficFlow web2db = DEMO.traffic().get(2);
    assertThat(web2db.from()).isEqualTo(new Source.Instance("i-0a000002"));
    assertThat(web2db.protocol()).isEqualTo(Protocol.TCP);
    assertThat(web2db.ratePerSecond()).isEqualTo(2.5);
  }

  @Test
  void aBadAddressNamesTheFileAndThePath() {
    WorldFileException e =
        failure(
            HEAD
                + """
                  - {id: i-0a000001, vpc: vpc-0a000001, privateIp: 10.0.0.1}
                  - {id: i-0a000002, vpc: vpc-0a000001, privateIp: 10.0.0.2}
                  - {id: i-0a000003, vpc: vpc-0a000001, privateIp: 10.0.300.1}
            """);
    assertThat(e.source()).isEqualTo("bad.yaml");
    assertThat(e.getMessage())
        .isEqualTo(
            "bad.yaml: regions.eu-west-1.instances[2].privateIp: '10.0.300.1' is not an IPv4"
                + " address");
  }

  @Test
  void anAddressOutsideTheVpcIsRefused() {
    WorldFileException e =
        failure(HEAD + "      - {id: i-0a000001, vpc: vpc-0a000001, privateIp: 10.9.0.1}\n");
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("regions.eu-west-1.instances[0].privateIp");
              assertThat(p.message())
                  .contains("10.9.0.1 is outside vpc-0a000001's CIDR 10.0.0.0/16");
            });
  }

  @Test
  void anInstanceInAnUnknownVpcIsRefused() {
    WorldFileException e =
        failure(HEAD + "      - {id: i-0a000001, vpc: vpc-0fffffff, privateIp: 10.0.0.1}\n");
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("regions.eu-west-1.instances[0].vpc");
              assertThat(p.message())
                  .isEqualTo("unknown VPC 'vpc-0fffffff'; the VPCs of eu-west-1 are vpc-0a000001");
            });
  }

  @Test
  void duplicateIdsNameBothPlaces() {
    WorldFileException e =
        failure(
            HEAD
                + """
                  - {id: i-0a000001, vpc: vpc-0a000001, privateIp: 10.0.0.1}
                  - {id: i-0a000001, vpc: vpc-0a000001, privateIp: 10.0.0.2}
            """);
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("regions.eu-west-1.instances[1].id");
              assertThat(p.message())
                  .isEqualTo(
                      "duplicate instance id i-0a000001, first declared at"
                          + " regions.eu-west-1.instances[0].id");
            });
  }

  @Test
  void unknownFieldsAreRefusedWithTheFieldsThatExist() {
    WorldFileException e =
        failure(HEAD + "      - {id: i-0a000001, vpc: vpc-0a000001, privateIP: 10.0.0.1}\n");
    assertThat(fields(e)).containsExactly("regions.eu-west-1.instances[0].privateIP");
    assertThat(e.problems().get(0).message())
        .startsWith("unknown field 'privateIP'; the fields of an instance are id, vpc, privateIp")
        .contains("privateIp");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    WorldFileException e =
        failure(
            """
            regions:
              eu-west-1:
                vpcs:
                  - {id: vpc-0a000001, cidr: 10.0.0.0/33}
                  - {id: vpc-bad, cidr: 10.1.0.0/16}
                instances:
                  - {id: i-0a000001, vpc: vpc-0a000001, privateIp: 10.0.0.1, listening: [tcp/http]}
              mars-1: {}
            traffic:
              - {name: t, region: eu-west-1, from: {ip: 1.2.3}, to: i-0a000009, port: 22, ratePerSecond: 0}
            """);
    assertThat(fields(e))
        .contains(
            "regions.eu-west-1.vpcs[0].cidr",
            "regions.eu-west-1.vpcs[1].id",
            "regions.eu-west-1.instances[0].listening[0]",
            "regions.mars-1",
            "traffic[0].from.ip",
            "traffic[0].to",
            "traffic[0].ratePerSecond");
    // The instance's VPC is broken, which is reported once, at the VPC.
    assertThat(fields(e)).doesNotContain("regions.eu-west-1.instances[0].vpc");
    assertThat(e.getMessage()).startsWith("bad.yaml: 7 problems\n  regions.");
  }

  @Test
  void groupsAndRulesAreChecked() {
    WorldFileException e =
        failure(
            """
            regions:
              eu-west-1:
                vpcs:
                  - id: vpc-0a000001
                    cidr: 10.0.0.0/16
                    groups:
                      - name: web
                        ingress:
                          - {port: 443, cidr: 0.0.0.0/0}
                          - {port: 80, cidr: 10.0.0.1/8}
                          - {port: 22, group: nosuch}
                          - {protocol: icmp, port: 8, cidr: 10.0.0.0/8}
                          - {port: 22, cidr: 10.0.0.0/8, group: web}
                      - name: web
                      - name: default
                instances:
                  - {id: i-0a000001, vpc: vpc-0a000001, privateIp: 10.0.0.1, groups: [web, nope]}
            """);
    assertThat(e.problems())
        .extracting(Problem::toString)
        .contains(
            "regions.eu-west-1.vpcs[0].groups[0].ingress[1].cidr: 10.0.0.1/8 has host bits set;"
                + " write 10.0.0.0/8",
            "regions.eu-west-1.vpcs[0].groups[1].name: group 'web' is declared twice in"
                + " vpc-0a000001",
            "regions.eu-west-1.vpcs[0].groups[2].name: 'default' is the name of the VPC's"
                + " default group, which every VPC has (group names are case-insensitive); choose"
                + " another name");
    assertThat(fields(e))
        .contains(
            "regions.eu-west-1.vpcs[0].groups[0].ingress[2].group",
            "regions.eu-west-1.vpcs[0].groups[0].ingress[3].port",
            "regions.eu-west-1.vpcs[0].groups[0].ingress[4]");
  }

  @Test
  void groupNamesAreCaseInsensitive() {
    String vpc =
        """
        regions:
          eu-west-1:
            vpcs:
              - id: vpc-0a000001
                cidr: 10.0.0.0/16
                groups:
                  - name: Web
        """;
    WorldFileException e = failure(vpc + "          - name: WEB\n          - name: Default\n");
    assertThat(e.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "regions.eu-west-1.vpcs[0].groups[1].name: group 'WEB' is declared twice in"
                + " vpc-0a000001 (as 'Web'; group names are case-insensitive)",
            "regions.eu-west-1.vpcs[0].groups[2].name: 'Default' is the name of the VPC's"
                + " default group, which every VPC has (group names are case-insensitive); choose"
                + " another name");

    // An interface may name a group in any case; the world keeps the group's own spelling.
    String instance =
        "    instances:\n"
            + "      - {id: i-0a000001, vpc: vpc-0a000001, privateIp: 10.0.0.1, groups: %s}\n";
    World w = WorldLoader.parse(vpc + instance.formatted("[DEFAULT, web]"), "ok.yaml");
    assertThat(w.instances().get(0).primary().groups()).containsExactly("default", "Web");
    WorldFileException twice = failure(vpc + instance.formatted("[web, WEB]"));
    assertThat(fields(twice)).containsExactly("regions.eu-west-1.instances[0].groups[1]");
  }

  @Test
  void anIpv6AddressNeedsAnIpv6Vpc() {
    WorldFileException e =
        failure(
            HEAD
                + "      - {id: i-0a000001, vpc: vpc-0a000001, privateIp: 10.0.0.1, ipv6:"
                + " '2001:db8::1'}\n");
    assertThat(e.getMessage())
        .contains("instances[0].ipv6: vpc-0a000001 has no IPv6 CIDR (ipv6Cidr)");
  }

  @Test
  void malformedYamlGivesTheLine() {
    WorldFileException e = failure("regions:\n  eu-west-1: [unclosed\n");
    assertThat(e.getMessage()).startsWith("bad.yaml: line ").contains("malformed YAML");
  }

  @Test
  void duplicateKeysAreMalformed() {
    WorldFileException e =
        failure(
            HEAD
                + """
                  - id: i-0a000001
                    id: i-0a000002
                    vpc: vpc-0a000001
                    privateIp: 10.0.0.1
            """);
    assertThat(e.getMessage()).contains("malformed YAML").contains("Duplicate field 'id'");
  }

  @Test
  void anEmptyFileIsRefused() {
    assertThat(failure("").getMessage())
        .isEqualTo("bad.yaml: (document): the file is empty; a world needs 'regions'");
  }

  @Test
  void loadNamesTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("w.yaml");
    Files.writeString(file, "regions:\n  eu-west-1:\n    vpcs: nope\n");
    assertThatThrownBy(() -> WorldLoader.load(file))
        .isInstanceOf(WorldFileException.class)
        .hasMessage(file + ": regions.eu-west-1.vpcs: must be a list, not a string (\"nope\")");
  }
}
