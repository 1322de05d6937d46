package dev.portcullis.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to the offline command: a clear message naming file, resource and field; exit 2. */
class OfflineBadInputTest {
  private static final String WORLD = "examples/05-refused-or-timed-out/world.yaml";
  private static final String HEADER =
      "apiVersion: ec2.portcullis.dev/v1alpha1\n"
          + "kind: SecurityGroup\n"
          + "metadata: {name: web, namespace: demo}\n";

  @TempDir Path dir;

  private OfflineRun apply(String yaml) throws IOException {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, yaml);
    return OfflineRun.of("offline", "--world", WORLD, "--manifests", f.toString());
  }

  private static void assertRejected(OfflineRun r, String... fragments) {
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(OfflineCommand.INVALID);
    assertThat(r.err()).contains("bad.yaml").contains("Nothing was applied.");
    for (String f : fragments) {
      assertThat(r.err()).contains(f);
    }
    assertThat(r.out()).as("nothing printed as applied").isEmpty();
  }

  @Test
  void unknownField() throws IOException {
    assertRejected(
        apply(
            HEADER
                + "spec:\n  region: eu-west-1\n  vpcId: vpc-5a000001\n"
                + "  ingress:\n    - ports: [ssh]\n      form: [{cidr: 10.0.0.0/8}]\n"),
        "SecurityGroup demo/web",
        "spec.ingress[0].form: unknown field \"spec.ingress[0].form\"",
        "spec.ingress[0].from: Required value");
  }

  @Test
  void unknownMetadataField() throws IOException {
    assertRejected(
        apply(
            "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\n"
                + "metadata: {name: web, nmespace: demo}\n"
                + "spec: {region: eu-west-1, vpcId: vpc-5a000001}\n"),
        "unknown field metadata.nmespace");
  }

  @Test
  void malformedYaml() throws IOException {
    assertRejected(
        apply(HEADER + "spec:\n  region: eu-west-1\n   vpcId: [unclosed\n"), "malformed YAML");
  }

  @Test
  void unknownEnumValue() throws IOException {
    assertRejected(
        apply(HEADER + "spec: {region: eu-west-1, vpcId: vpc-5a000001, ruleOwnership: Owned}\n"),
        "spec.ruleOwnership: Unsupported value: \"Owned\"",
        "supported values: \"Additive\", \"Authoritative\"");
  }

  @Test
  void notAPortcullisKind() throws IOException {
    assertRejected(
        apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"),
        "v1 ConfigMap is not a Portcullis resource");
  }

  @Test
  void invalidRuleNamesTheField() throws IOException {
    assertRejected(
        apply(
            HEADER
                + "spec:\n  region: eu-west-1\n  vpcId: vpc-5a000001\n"
                + "  ingress:\n    - ports: [\"70000\"]\n      from: [{cidr: 10.0.0.0/33}]\n"),
        "SecurityGroup demo/web: spec.ingress[0].ports[0]: port 70000 is outside 0-65535",
        "spec.ingress[0].from[0].cidr: \"10.0.0.0/33\": prefix length /33 is out of range");
  }

  @Test
  void invalidGroupName() throws IOException {
    assertRejected(
        apply(HEADER + "spec: {region: eu-west-1, vpcId: vpc-5a000001, groupName: sg-web}\n"),
        "spec.groupName: \"sg-web\" starts with \"sg-\"");
  }

  @Test
  void oneBadResourceStopsTheOthersToo() throws IOException {
    OfflineRun r =
        apply(
            HEADER
                + "spec: {region: eu-west-1, vpcId: vpc-5a000001}\n---\n"
                + "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\n"
                + "metadata: {name: broken, namespace: demo}\n"
                + "spec:\n  region: eu-west-1\n  vpcId: vpc-5a000001\n"
                + "  ingress: [{protocol: all, ports: [\"80\"], from: [{cidr: 0.0.0.0/0}]}]\n");
    assertRejected(r, "SecurityGroup demo/broken", "ports are not allowed with protocol all");
  }

  @Test
  void missingReference() throws IOException {
    assertRejected(
        apply(
            HEADER
                + "spec:\n  region: eu-west-1\n  vpcId: vpc-5a000001\n"
                + "  ingress: [{ports: [ssh], from: [{securityGroup: bastion}]}]\n"),
        "there is no SecurityGroup demo/bastion");
  }

  @Test
  void tooManyGroupsPerInterface() throws IOException {
    assertRejected(
        apply(sixGroupsOnOneInstance()),
        "SecurityGroupAttachment demo/a: spec.securityGroups: 6 security groups on one network"
            + " interface exceed the quota of 5");
  }

  @Test
  void raisedGroupsPerInterfaceQuotaAllowsSix() throws IOException {
    Path f = dir.resolve("six.yaml");
    Files.writeString(f, sixGroupsOnOneInstance());
    OfflineRun r =
        OfflineRun.of(
            "offline",
            "--world",
            WORLD,
            "--manifests",
            f.toString(),
            "--quota-groups-per-interface",
            "6");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("i-5a000001 (eni-");
    OfflineRun tooHigh =
        OfflineRun.of(
            "offline",
            "--world",
            WORLD,
            "--manifests",
            f.toString(),
            "--quota-groups-per-interface",
            "17");
    assertThat(tooHigh.exitCode()).isEqualTo(OfflineCommand.INVALID);
    assertThat(tooHigh.err()).contains("17 is outside 1..16");
    OfflineRun product =
        OfflineRun.of(
            "offline",
            "--world",
            WORLD,
            "--manifests",
            f.toString(),
            "--quota-groups-per-interface",
            "16",
            "--quota-rules-per-group",
            "100");
    assertThat(product.err()).contains("is 1600, above EC2's limit of 1000");
  }

  @Test
  void nullListItemsAreRefusedNotACrash() throws IOException {
    assertRejected(
        apply(HEADER + "spec:\n  region: eu-west-1\n  vpcId: vpc-5a000001\n  ingress: [null]\n"),
        "spec.ingress[0]: Invalid value: \"null\": must be object");
    assertRejected(
        apply(
            HEADER
                + "spec:\n  region: eu-west-1\n  vpcId: vpc-5a000001\n"
                + "  ingress: [{ports: [null], from: [{cidr: 10.0.0.0/8}]}]\n"),
        "spec.ingress[0].ports[0]: Invalid value: \"null\": must be string");
  }

  @Test
  void badRegionAndIdsAreRefusedBeforeTheSimulatorSeesThem() throws IOException {
    assertRejected(
        apply(HEADER + "spec: {region: EU-west-1, vpcId: vpc-5a000001}\n"), "spec.region");
    assertRejected(
        apply(HEADER + "spec: {region: eu-west-1, vpcId: vpc-0a1b2c3d4}\n"), "spec.vpcId");
  }

  /** The schema's rejections read as words offline too, never as the pattern that failed. */
  @Test
  void patternRejectionsSayWhatTheFieldTakes() throws IOException {
    OfflineRun r =
        apply(
            HEADER
                + "spec:\n  region: eu-west-1a\n  vpcId: vpc-5a000001\n"
                + "  ingress:\n    - ports: [\"-1\", ssh-http]\n      from: [{securityGroup: c2/g1}]\n");
    assertRejected(
        r,
        "spec.region: region must be an AWS region such as eu-west-1",
        "spec.ingress[0].ports: each port must be a number from 0 to 65535 (443), a range of two"
            + " numbers (8000-8080)",
        "spec.ingress[0].from[0].securityGroup: securityGroup must be the name of a SecurityGroup"
            + " in this namespace");
    assertThat(r.err()).doesNotContain("should match");
  }

  @Test
  void emptyGroupDescription() throws IOException {
    assertRejected(
        apply(HEADER + "spec: {region: eu-west-1, vpcId: vpc-5a000001, description: \"\"}\n"),
        "spec.description");
  }

  @Test
  void attachmentNamingAGroupWithoutSpec() throws IOException {
    assertRejected(
        apply(
            HEADER
                + "---\napiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroupAttachment\n"
                + "metadata: {name: a, namespace: demo}\n"
                + "spec: {region: eu-west-1, securityGroups: [web], instances: {ids: [i-5a000001]}}\n"),
        "SecurityGroup demo/web: spec is required");
  }

  @Test
  void aCheckLooksForItsInstancesInItsRegion() throws IOException {
    assertRejected(
        apply(
            "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: ReachabilityCheck\n"
                + "metadata: {name: c, namespace: demo}\n"
                + "spec: {region: us-east-1, from: {cidr: 192.0.2.1/32},"
                + " to: {instanceId: i-5a000001}, port: 80}\n"),
        "spec.to.instanceId: there is no instance i-5a000001 in us-east-1");
    assertRejected(
        apply(
            "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: ReachabilityCheck\n"
                + "metadata: {name: c, namespace: demo}\n"
                + "spec: {region: eu-west-1, from: {cidr: 192.0.2.1/32},"
                + " to: {instanceId: i-0a00000f}, port: 80, expect: Blocked}\n"),
        "there is no instance i-0a00000f in eu-west-1");
  }

  @Test
  void anAmbiguousGroupNameInAQuestionIsAnError() throws IOException {
    Path f = dir.resolve("two.yaml");
    Files.writeString(
        f,
        "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\n"
            + "metadata: {name: web, namespace: a}\nspec: {region: eu-west-1, vpcId: vpc-5a000001}\n"
            + "---\napiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\n"
            + "metadata: {name: web, namespace: b}\nspec: {region: eu-west-1, vpcId: vpc-5a000001}\n");
    OfflineRun r =
        OfflineRun.of(
            "offline", "--world", WORLD, "--manifests", f.toString(), "--ask", "web i-5a000001 80");
    assertThat(r.exitCode()).isEqualTo(OfflineCommand.INVALID);
    assertThat(r.err()).contains("names a SecurityGroup in several namespaces (a/web, b/web)");
    OfflineRun exact =
        OfflineRun.of(
            "offline",
            "--world",
            WORLD,
            "--manifests",
            f.toString(),
            "--ask",
            "a/web i-5a000001 80");
    assertThat(exact.exitCode()).as(exact.out() + exact.err()).isZero();
  }

  @Test
  void aQuestionAboutAnInstanceThatDoesNotExistIsAnErrorNotATimeOut() throws IOException {
    Path f = oneGroup();
    for (String question : List.of("192.0.2.10 i-0fffffff tcp/22", "i-0ffffffe i-5a000001 80")) {
      OfflineRun r = ask(f, question);
      assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(OfflineCommand.INVALID);
      assertThat(r.err()).contains("--ask \"" + question + "\": there is no instance i-0fff");
      assertThat(r.out()).doesNotContain("TimedOut");
    }
  }

  @Test
  void aQuestionToAnAddressFromAnUnknownInstanceIsAnErrorNotATimeOut() throws IOException {
    Path f = oneGroup();
    for (String question : List.of("i-0fffffff 8.8.8.8 tcp/443", "sg-0fffffff 10.2.0.0/16 5432")) {
      OfflineRun r = ask(f, question);
      assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(OfflineCommand.INVALID);
      assertThat(r.err()).containsPattern("there is no (instance|security group) [is]g?-?0fff");
      assertThat(r.out()).doesNotContain("TimedOut");
    }
  }

  @Test
  void aQuestionFromAnAddressToAnAddressOrToABadAddressIsAnError() throws IOException {
    Path f = oneGroup();
    OfflineRun two = ask(f, "203.0.113.7 8.8.8.8 443");
    assertThat(two.exitCode()).as(two.out() + two.err()).isEqualTo(OfflineCommand.INVALID);
    assertThat(two.err())
        .contains(
            "a flow to an address needs a source that carries security groups: an instance"
                + " (instanceId) or a group's member (securityGroup or securityGroupId)");
    OfflineRun bad = ask(f, "i-5a000001 10.0.0/8 443");
    assertThat(bad.exitCode()).as(bad.out() + bad.err()).isEqualTo(OfflineCommand.INVALID);
    assertThat(bad.err()).contains("10.0.0/8");
  }

  @Test
  void aCheckFromAnAddressToAnAddressIsRefusedNamingTheField() throws IOException {
    assertRejected(
        apply(
            "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: ReachabilityCheck\n"
                + "metadata: {name: two-addresses, namespace: demo}\n"
                + "spec: {region: eu-west-1, from: {cidr: 203.0.113.7/32},"
                + " to: {cidr: 8.8.8.8}, port: 443}\n"),
        "spec.from: a flow to an address needs a source that carries security groups");
    assertRejected(
        apply(
            "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: ReachabilityCheck\n"
                + "metadata: {name: bad-address, namespace: demo}\n"
                + "spec: {region: eu-west-1, from: {instanceId: i-5a000001},"
                + " to: {cidr: 8.8.8}, port: 443}\n"),
        "spec.to.cidr: \"8.8.8\" is not an IP address or CIDR");
  }

  @Test
  void aWorldFileThatIsNotThereIsNamedOnce() {
    String missing = dir.resolve("no-world.yaml").toString();
    OfflineRun r = OfflineRun.of("offline", "--world", missing, "--manifests", dir.toString());
    assertThat(r.exitCode()).isEqualTo(OfflineCommand.INVALID);
    assertThat(r.err().strip()).isEqualTo("cannot read world file " + missing + ": no such file");
  }

  /** A manifest of one SecurityGroup, a/web, to ask questions about. */
  private Path oneGroup() throws IOException {
    Path f = dir.resolve("one.yaml");
    Files.writeString(
        f,
        "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\n"
            + "metadata: {name: web, namespace: a}\nspec: {region: eu-west-1, vpcId: vpc-5a000001}\n");
    return f;
  }

  private static OfflineRun ask(Path manifests, String question) {
    return OfflineRun.of(
        "offline", "--world", WORLD, "--manifests", manifests.toString(), "--ask", question);
  }

  /** Six SecurityGroups and an attachment that puts all six on one instance. */
  private static String sixGroupsOnOneInstance() {
    StringBuilder y = new StringBuilder();
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      y.append("apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\n")
          .append("metadata: {name: g")
          .append(i)
          .append(", namespace: demo}\nspec: {region: eu-west-1, vpcId: vpc-5a000001}\n---\n");
      names.append(i == 0 ? "" : ", ").append("g").append(i);
    }
    y.append("apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroupAttachment\n")
        .append("metadata: {name: a, namespace: demo}\n")
        .append("spec: {region: eu-west-1, securityGroups: [")
        .append(names)
        .append("], instances: {ids: [i-5a000001]}}\n");
    return y.toString();
  }

  @Test
  void badWorldFile() throws IOException {
    Path w = dir.resolve("world.yaml");
    Files.writeString(
        w,
        "regions:\n  eu-west-1:\n    vpcs: [{id: vpc-5a000001, cidr: 10.0.0.0/16}]\n    instances: [{id: i-5a000001, vpc: vpc-5a000001, privateIp: 10.9.0.1}]\n");
    Path m = dir.resolve("m.yaml");
    Files.writeString(m, HEADER + "spec: {region: eu-west-1, vpcId: vpc-5a000001}\n");
    OfflineRun r = OfflineRun.of("offline", "--world", w.toString(), "--manifests", m.toString());
    assertThat(r.exitCode()).isEqualTo(OfflineCommand.INVALID);
    assertThat(r.err()).contains("world.yaml").contains("privateIp").contains("outside");
  }

  @Test
  void expectationNotMetExitsThree() throws IOException {
    OfflineRun r =
        apply(
            HEADER
                + "spec: {region: eu-west-1, vpcId: vpc-5a000001}\n---\n"
                + "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: ReachabilityCheck\n"
                + "metadata: {name: c, namespace: demo}\n"
                + "spec: {region: eu-west-1, from: {cidr: 192.0.2.1/32},"
                + " to: {instanceId: i-5a000001}, port: 22, expect: Reachable}\n");
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(OfflineCommand.NOT_MET);
    assertThat(r.out()).contains("expected Reachable: NOT MET").contains("0 of 1 expectations met");
  }
}
