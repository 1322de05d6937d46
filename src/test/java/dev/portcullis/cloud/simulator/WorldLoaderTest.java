package dev.portcullis.cloud.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.NamedGroupPeer;
import dev.portcullis.engine.Problem;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Quotas;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.eval.Listener;
import dev.portcullis.engine.eval.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  private static Cidr4 cidr(String text) {
    return (Cidr4) Ip.parseCidr(text).cidr();
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
    assertThat(monitoring.ingress())
        .containsExactly(
            new Rule(Direction.INGRESS, Protocol.ICMP, 8, -1, cidr("10.0.0.0/16"), ""),
            new Rule(
                Direction.INGRESS,
                Protocol.TCP,
                9100,
                9100,
                new NamedGroupPeer("monitoring"),
                "node exporter"));
    assertThat(monitoring.egress()).containsExactly(Rule.DEFAULT_EGRESS);
    assertThat(DEMO.warnings()).isEmpty();

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

  /** A region with one VPC, whose {@code groups:} items follow, eight spaces in. */
  private static final String GROUPS =
      """
      regions:
        eu-west-1:
          prefixLists: [{id: pl-0c0ffee1, maxEntries: 10}]
          vpcs:
          - id: vpc-0a000001
            cidr: 10.0.0.0/16
            groups:
      """;

  private static World.GroupSpec onlyGroup(World w) {
    return w.regions().get("eu-west-1").vpcs().get(0).groups().get(0);
  }

  @Test
  void rulesHaveTheShapeOfASecurityGroupResource() {
    World w =
        WorldLoader.parse(
            GROUPS
                + """
                    - name: web
                      ingress:
                        - ports: [https, 8000-8001, "22"]
                          from:
                            - cidr: 10.0.0.0/8
                            - cidr: 2001:db8::/32
                          description: from the office
                        - protocol: icmp
                          icmp: {type: 3, code: 4}
                          from: [{self: true}]
                        - protocol: all
                          from: [{securityGroup: db}, {prefixListId: pl-0c0ffee1}]
                      egress: []
                    - name: db
                      egress:
                        - protocol: udp
                          ports: [53]
                          to: [{cidr: 0.0.0.0/0}]
            """,
            "ok.yaml");
    World.GroupSpec web = onlyGroup(w);
    // One rule per port range and peer, in the engine's canonical order.
    assertThat(web.ingress())
        .extracting(Rule::display)
        .containsExactly(
            "ingress all traffic from pl-0c0ffee1",
            "ingress all traffic from securityGroup db",
            "ingress icmp type 3 code 4 from self",
            "ingress tcp port 22 from 10.0.0.0/8 (\"from the office\")",
            "ingress tcp port 22 from 2001:db8::/32 (\"from the office\")",
            "ingress tcp port 443 from 10.0.0.0/8 (\"from the office\")",
            "ingress tcp port 443 from 2001:db8::/32 (\"from the office\")",
            "ingress tcp ports 8000-8001 from 10.0.0.0/8 (\"from the office\")",
            "ingress tcp ports 8000-8001 from 2001:db8::/32 (\"from the office\")");
    // egress: [] asks for no egress at all; leaving egress out keeps EC2's allow-all rule.
    assertThat(web.egress()).isEmpty();
    World.GroupSpec db = w.regions().get("eu-west-1").vpcs().get(0).groups().get(1);
    assertThat(db.ingress()).isEmpty();
    assertThat(db.egress())
        .containsExactly(new Rule(Direction.EGRESS, Protocol.UDP, 53, 53, Cidr4.ANY, ""));
  }

  @Test
  void hostBitsAreAWarningAsForAResourceNotAnError() {
    World w =
        WorldLoader.parse(
            GROUPS
                + """
                    - name: web
                      ingress:
                        - {ports: [80], from: [{cidr: 10.0.0.1/8}]}
            """,
            "ok.yaml");
    assertThat(onlyGroup(w).ingress())
        .containsExactly(new Rule(Direction.INGRESS, Protocol.TCP, 80, 80, cidr("10.0.0.0/8"), ""));
    assertThat(w.warnings())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.isError()).isFalse();
              assertThat(p.field())
                  .isEqualTo("regions.eu-west-1.vpcs[0].groups[0].ingress[0].from[0].cidr");
              assertThat(p.message()).contains("host bits").contains("10.0.0.0/8");
            });
  }

  @Test
  void rulesAreCheckedByTheEngineWithTheirPaths() {
    WorldFileException e =
        failure(
            GROUPS
                + """
                    - name: web
                      ingress:
                        - {ports: [70000], from: [{cidr: 0.0.0.0/0}]}
                        - {ports: [shh], from: [{cidr: 0.0.0.0/0}]}
                        - {protocol: icmp, ports: [8], from: [{cidr: 10.0.0.0/8}]}
                        - {ports: [22], from: [{cidr: 10.0.0.0/8, securityGroup: web}]}
                        - {ports: [22], from: [{cidr: 10.0.0.0/33}]}
                        - {protocol: gre, from: [{cidr: 10.0.0.0/8}]}
                        - {ports: [22]}
                        - {ports: [22], from: [{self: false}]}
                      egress:
                        - {ports: [443], to: [{prefixListId: pl-x}]}
            """);
    String rule = "regions.eu-west-1.vpcs[0].groups[0].ingress";
    assertThat(fields(e).stream().distinct())
        .containsExactly(
            rule + "[0].ports[0]",
            rule + "[1].ports[0]",
            rule + "[2].ports",
            rule + "[3].from[0]",
            rule + "[4].from[0].cidr",
            rule + "[5].protocol",
            rule + "[6].from",
            rule + "[7].from[0].self",
            "regions.eu-west-1.vpcs[0].groups[0].egress[0].to[0].prefixListId");
    assertThat(e.problems())
        .filteredOn(p -> p.field().equals(rule + "[1].ports[0]"))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("did you mean \"ssh\""));
  }

  @Test
  void whatOnlyAWorldCanGetWrongIsCheckedToo() {
    WorldFileException e =
        failure(
            GROUPS
                + """
                    - name: web
                      ingress:
                        - {ports: [22], from: [{securityGroup: nosuch}]}
                        - {ports: [22], from: [{securityGroupId: sg-0123abcd}]}
                        - {ports: [22], from: [{prefixListId: pl-0fffffff}]}
                        - {ports: 22, from: [{cidr: 10.0.0.0/8}]}
                        - {ports: [22], to: [{cidr: 10.0.0.0/8}]}
                        - {ports: [{from: 1}], from: [{cidr: 10.0.0.0/8, port: 22}]}
                        - {protocol: icmp, icmp: {code: 1}, from: [{cidr: 10.0.0.0/8}]}
                        - {port: 22, cidr: 10.0.0.0/8}
            """);
    String rule = "regions.eu-west-1.vpcs[0].groups[0].ingress";
    assertThat(e.problems())
        .extracting(Problem::toString)
        .contains(
            rule
                + "[0].from[0].securityGroup: no group 'nosuch' in vpc-0a000001; its groups are"
                + " [default, web]",
            rule
                + "[2].from[0].prefixListId: prefix list pl-0fffffff is not declared in this"
                + " region's prefixLists",
            rule + "[3].ports: must be a list, not a number (22)",
            rule
                + "[4].to: unknown field 'to'; the fields of an ingress rule are protocol, ports,"
                + " icmp, from, description",
            rule + "[6].icmp.type: missing required field 'type'");
    assertThat(fields(e))
        .contains(
            rule + "[1].from[0].securityGroupId",
            rule + "[5].ports[0]",
            rule + "[5].from[0].port",
            rule + "[7].port",
            rule + "[7].cidr");
    // Each mistake is reported once: not again by the engine as, say, a rule without ports.
    assertThat(fields(e)).doesNotHaveDuplicates().doesNotContain(rule + "[3].ports[0]");
    assertThat(fields(e)).noneMatch(f -> f.startsWith(rule + "[4].from"));
  }

  @Test
  void groupNamesAreCheckedAsEc2ChecksThem() {
    WorldFileException e =
        failure(
            GROUPS
                + """
                    - name: web
                    - name: web
                    - name: default
                    - name: SG-web
                    - name: caf\u00e9
            """);
    assertThat(e.problems())
        .extracting(Problem::toString)
        .contains(
            "regions.eu-west-1.vpcs[0].groups[1].name: group 'web' is declared twice in"
                + " vpc-0a000001",
            "regions.eu-west-1.vpcs[0].groups[2].name: 'default' is the name of the VPC's"
                + " default group, which every VPC has (group names are case-insensitive); choose"
                + " another name");
    assertThat(fields(e))
        .containsExactly(
            "regions.eu-west-1.vpcs[0].groups[1].name",
            "regions.eu-west-1.vpcs[0].groups[2].name",
            "regions.eu-west-1.vpcs[0].groups[3].name",
            "regions.eu-west-1.vpcs[0].groups[4].name");
  }

  @Test
  void anEc2NameThatIsNoResourceNameCanStillBeReferenced() {
    // Spaces and capitals are fine in EC2 names, though not in a SecurityGroup resource's name.
    String world =
        GROUPS
            + """
                    - name: Web Servers
                    - name: db
                      ingress:
                        - {ports: [5432], from: [{securityGroup: web servers}]}
            """;
    World w = WorldLoader.parse(world, "ok.yaml");
    World.GroupSpec db = w.regions().get("eu-west-1").vpcs().get(0).groups().get(1);
    assertThat(db.ingress())
        .extracting(Rule::peer)
        .containsExactly(new NamedGroupPeer("Web Servers"));
    Ec2Simulator sim = Ec2Simulator.builder().world(w).throttling(ThrottlingMode.OFF).build();
    Map<String, String> ids = new HashMap<>();
    sim.describeAllSecurityGroups("eu-west-1", GroupFilter.all())
        .forEach(g -> ids.put(g.groupName(), g.groupId()));
    assertThat(Fixtures.rules(sim, "eu-west-1", ids.get("db")))
        .contains(
            new Rule(
                Direction.INGRESS,
                Protocol.TCP,
                5432,
                5432,
                new GroupPeer(ids.get("Web Servers")),
                ""));

    // The engine's messages name the group as the world does.
    WorldFileException e =
        failure(
            world
                + """
                        - {ports: [5432], from: [{securityGroup: Web Servers}], description: again}
            """);
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.message())
                    .contains("from securityGroup Web Servers")
                    .doesNotContain("sg-0-name"));
  }

  @Test
  void ruleQuotasAreTheOnesGiven() {
    String world =
        GROUPS
            + """
                    - name: web
                      ingress:
                        - {ports: [22, 80, 443], from: [{cidr: 10.0.0.0/8}]}
            """;
    assertThat(onlyGroup(WorldLoader.parse(world, "ok.yaml")).ingress()).hasSize(3);
    WorldFileException e =
        assertThrows(
            WorldFileException.class,
            () -> WorldLoader.parse(world, "small.yaml", new Quotas(2, 5)));
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("regions.eu-west-1.vpcs[0].groups[0].ingress");
              assertThat(p.message()).contains("3 IPv4").contains("quota of 2");
            });
    // A prefix list counts as its maximum entries, as in EC2.
    String prefixList =
        GROUPS
            + """
                    - name: web
                      ingress:
                        - {ports: ["0-65535"], from: [{prefixListId: pl-0c0ffee1}]}
            """;
    WorldLoader.parse(prefixList + portsRule(50), "ok.yaml");
    assertThat(fields(failure(prefixList + portsRule(51))))
        .containsExactly("regions.eu-west-1.vpcs[0].groups[0].ingress");
  }

  @Test
  void ruleQuotasHoldPerDirectionAndAddressFamily() {
    // The simulator takes a world's groups as the loader leaves them: the loader is the one that
    // holds both directions to the quota, IPv4 and IPv6 counted apart, a group reference as both.
    Quotas two = new Quotas(2, 5);
    String fits =
        GROUPS
            + """
                    - name: web
                      ingress:
                        - {ports: [22, 80], from: [{cidr: 10.0.0.0/8}, {cidr: 2001:db8::/32}]}
                      egress:
                        - {ports: [443], to: [{self: true}, {cidr: 10.0.0.0/8}]}
            """;
    assertThat(onlyGroup(WorldLoader.parse(fits, "ok.yaml", two)).egress()).hasSize(2);
    WorldFileException e =
        assertThrows(
            WorldFileException.class,
            () ->
                WorldLoader.parse(
                    GROUPS
                        + """
                                - name: web
                                  egress:
                                    - {ports: [22, 80, 443], to: [{cidr: 2001:db8::/32}]}
                        """,
                    "small.yaml",
                    two));
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("regions.eu-west-1.vpcs[0].groups[0].egress");
              assertThat(p.message())
                  .startsWith("egress expands to 0 IPv4 and 3 IPv6 rules")
                  .contains("quota of 2");
            });
  }

  /** A rule, twelve spaces in, for the single ports 1 to n: n EC2 rules. */
  private static String portsRule(int n) {
    StringBuilder ports = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      ports.append(i == 1 ? "" : ", ").append(i);
    }
    return "            - {ports: [" + ports + "], from: [{cidr: 10.0.0.0/8}]}\n";
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

  private static Path world(Path dir, String name, String yaml) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void severalFilesMakeOneWorld(@TempDir Path dir) throws Exception {
    Path a =
        world(
            dir,
            "a.yaml",
            """
            regions:
              eu-west-1:
                vpcs: [{id: vpc-1a000001, cidr: 10.0.0.0/16}]
                instances:
                  - {id: i-1a000001, vpc: vpc-1a000001, privateIp: 10.0.1.10, listening: [22]}
            """);
    Path b =
        world(
            dir,
            "b.yaml",
            """
            regions:
              eu-west-1:
                vpcs: [{id: vpc-2a000001, cidr: 10.0.0.0/16}]
                instances:
                  - {id: i-2a000001, vpc: vpc-2a000001, privateIp: 10.0.1.10}
              us-east-1:
                vpcs: [{id: vpc-2e000001, cidr: 172.31.0.0/16}]
            traffic:
              - {name: a-to-b, region: eu-west-1, from: {instanceId: i-2a000001},
                 to: i-1a000001, port: 22, ratePerSecond: 1}
            """);
    World w = WorldLoader.load(List.of(a, b), Quotas.DEFAULT);
    assertThat(w.regions()).containsOnlyKeys("eu-west-1", "us-east-1");
    World.Region eu = w.regions().get("eu-west-1");
    assertThat(eu.vpcs()).extracting(World.Vpc::id).containsExactly("vpc-1a000001", "vpc-2a000001");
    assertThat(eu.instances())
        .extracting(World.Instance::id)
        .containsExactly("i-1a000001", "i-2a000001");
    assertThat(w.traffic()).extracting(World.TrafficFlow::name).containsExactly("a-to-b");
    // one file is read as before
    assertThat(WorldLoader.load(List.of(a), Quotas.DEFAULT).instances()).hasSize(1);
  }

  @Test
  void anIdRepeatedInAnotherFileIsRefusedWithBothFiles(@TempDir Path dir) throws Exception {
    String yaml =
        """
        regions:
          eu-west-1:
            vpcs: [{id: vpc-0a000001, cidr: 10.0.0.0/16}]
            instances:
              - {id: i-0a000001, vpc: vpc-0a000001, privateIp: 10.0.1.10}
        """;
    Path a = world(dir, "a.yaml", yaml);
    Path b = world(dir, "b.yaml", yaml);
    assertThatThrownBy(() -> WorldLoader.load(List.of(a, b), Quotas.DEFAULT))
        .isInstanceOf(WorldFileException.class)
        .hasMessageStartingWith(b + ": 2 problems")
        .hasMessageContaining(
            "regions.eu-west-1.vpcs[0].id: duplicate VPC id vpc-0a000001, first declared at "
                + a
                + ": regions.eu-west-1.vpcs[0].id")
        .hasMessageContaining(
            "regions.eu-west-1.instances[0].id: duplicate instance id i-0a000001, first declared"
                + " at "
                + a
                + ": regions.eu-west-1.instances[0].id");
  }

  @Test
  void anInstanceUsesAVpcOfItsOwnFile(@TempDir Path dir) throws Exception {
    Path a =
        world(
            dir,
            "a.yaml",
            "regions:\n  eu-west-1:\n    vpcs: [{id: vpc-0a000001, cidr: 10.0.0.0/16}]\n");
    Path b =
        world(
            dir,
            "b.yaml",
            """
            regions:
              eu-west-1:
                instances:
                  - {id: i-0b000001, vpc: vpc-0a000001, privateIp: 10.0.1.10}
            """);
    assertThatThrownBy(() -> WorldLoader.load(List.of(a, b), Quotas.DEFAULT))
        .isInstanceOf(WorldFileException.class)
        .hasMessage(
            b
                + ": regions.eu-west-1.instances[0].vpc: VPC vpc-0a000001 is declared in "
                + a
                + "; an instance is declared in the same world file as its VPC");
  }
}
