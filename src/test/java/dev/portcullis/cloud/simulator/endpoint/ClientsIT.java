package dev.portcullis.cloud.simulator.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.InstanceFilter;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.ThrottlingMode;
import dev.portcullis.cloud.simulator.WorldLoader;
import dev.portcullis.engine.Direction;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients nobody here wrote, against the endpoint on 127.0.0.1: the AWS CLI (v1, from PyPI) and
 * boto3, both from the venv {@code scripts/moto.sh} installs. Each drives a scripted sequence
 * (create groups, authorize with a group reference and an IPv6 range, describe with filters and
 * paging, revoke by rule id, tag, attach to an instance, delete with a DependencyViolation first)
 * and the test checks their answers field by field, and the simulator's state behind them.
 */
class ClientsIT {
  private static final String REGION = "eu-west-1";
  private static final String VPC = "vpc-0a000001";
  private static final String INSTANCE = "i-0a000003";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path home;
  private Ec2Simulator sim;
  private Ec2Endpoint endpoint;

  @BeforeEach
  void start() throws IOException {
    sim =
        Ec2Simulator.builder()
            .world(WorldLoader.loadResource("/worlds/demo.yaml"))
            .seed(5)
            .throttling(ThrottlingMode.OFF)
            .build();
    endpoint =
        Ec2Endpoint.start(
            sim,
            new InetSocketAddress("127.0.0.1", 0),
            Ec2QueryService.Settings.open().withRegions(sim.world().regions().keySet()),
            false);
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  static Path venv() {
    String explicit = System.getenv("PORTCULLIS_MOTO_VENV");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String cache = System.getenv("PORTCULLIS_CACHE");
    Path base =
        cache != null && !cache.isBlank()
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache", "portcullis");
    return base.resolve("moto-venv");
  }

  private static Path tool(String name) {
    Path p = venv().resolve("bin").resolve(name);
    if (!Files.isExecutable(p)) {
      throw new IllegalStateException(
          "no " + p + ": run scripts/moto.sh, which installs moto, boto3 and the AWS CLI there");
    }
    return p;
  }

  record Run(int exit, String out, String err) {
    JsonNode json() throws IOException {
      return JSON.readTree(out);
    }
  }

  private Run run(List<String> command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    env.remove("AWS_SESSION_TOKEN");
    env.remove("AWS_PROFILE");
    env.put("AWS_CONFIG_FILE", home.resolve("config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_PAGER", "");
    Process p = pb.start();
    p.getOutputStream().close();
    String out;
    String err;
    try (InputStream o = p.getInputStream();
        InputStream e = p.getErrorStream()) {
      out = new String(o.readAllBytes(), StandardCharsets.UTF_8);
      err = new String(e.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    return new Run(p.exitValue(), out, err);
  }

  private JsonNode aws(String... args) throws Exception {
    Run r = awsRun(args);
    assertThat(r.exit()).as("aws %s: %s", String.join(" ", args), r.err()).isZero();
    return r.out().isBlank() ? JSON.createObjectNode() : r.json();
  }

  private Run awsRun(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(tool("aws").toString());
    cmd.add("ec2");
    cmd.addAll(List.of(args));
    cmd.addAll(
        List.of(
            "--endpoint-url", endpoint.uri().toString(), "--region", REGION, "--output", "json"));
    return run(cmd);
  }

  private static List<JsonNode> list(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).toList();
  }

  private SecurityGroupInfo inSimulator(String groupId) {
    return sim.describeAllSecurityGroups(REGION, GroupFilter.ids(groupId)).get(0);
  }

  @Test
  void theAwsCliManagesGroupsByHand() throws Exception {
    String web =
        aws(
                "create-security-group",
                "--group-name",
                "cli-web",
                "--description",
                "web tier",
                "--vpc-id",
                VPC,
                "--tag-specifications",
                "ResourceType=security-group,Tags=[{Key=team,Value=web}]")
            .get("GroupId")
            .asText();
    String app =
        aws(
                "create-security-group",
                "--group-name",
                "cli-app",
                "--description",
                "app",
                "--vpc-id",
                VPC)
            .get("GroupId")
            .asText();
    assertThat(web).matches("sg-[0-9a-f]{17}");
    assertThat(inSimulator(web).tags()).containsEntry("team", "web");

    JsonNode authorized =
        aws(
            "authorize-security-group-ingress",
            "--group-id",
            web,
            "--ip-permissions",
            "IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId="
                + app
                + ",Description=from app}],Ipv6Ranges=[{CidrIpv6=2001:db8::/32,Description=v6}]");
    assertThat(authorized.get("Return").asBoolean()).isTrue();
    List<JsonNode> added = list(authorized.get("SecurityGroupRules"));
    assertThat(added).hasSize(2);
    JsonNode byGroup =
        added.stream().filter(r -> r.has("ReferencedGroupInfo")).findFirst().orElseThrow();
    assertThat(byGroup.get("GroupId").asText()).isEqualTo(web);
    assertThat(byGroup.get("IsEgress").asBoolean()).isFalse();
    assertThat(byGroup.get("IpProtocol").asText()).isEqualTo("tcp");
    assertThat(byGroup.get("FromPort").asInt()).isEqualTo(443);
    assertThat(byGroup.get("ToPort").asInt()).isEqualTo(443);
    assertThat(byGroup.get("ReferencedGroupInfo").get("GroupId").asText()).isEqualTo(app);
    assertThat(byGroup.get("Description").asText()).isEqualTo("from app");
    JsonNode v6 = added.stream().filter(r -> r.has("CidrIpv6")).findFirst().orElseThrow();
    assertThat(v6.get("CidrIpv6").asText()).isEqualTo("2001:db8::/32");
    assertThat(v6.get("SecurityGroupRuleId").asText()).startsWith("sgr-");

    // filters
    List<JsonNode> found =
        list(
            aws(
                    "describe-security-groups",
                    "--filters",
                    "Name=vpc-id,Values=" + VPC,
                    "Name=tag:team,Values=web")
                .get("SecurityGroups"));
    assertThat(found).singleElement();
    JsonNode g = found.get(0);
    assertThat(g.get("GroupId").asText()).isEqualTo(web);
    assertThat(g.get("GroupName").asText()).isEqualTo("cli-web");
    assertThat(g.get("Description").asText()).isEqualTo("web tier");
    assertThat(g.get("VpcId").asText()).isEqualTo(VPC);
    assertThat(g.get("OwnerId").asText()).isEqualTo("123456789012");
    JsonNode perm = g.get("IpPermissions").get(0);
    assertThat(perm.get("IpProtocol").asText()).isEqualTo("tcp");
    assertThat(perm.get("FromPort").asInt()).isEqualTo(443);
    assertThat(perm.get("UserIdGroupPairs").get(0).get("GroupId").asText()).isEqualTo(app);
    assertThat(perm.get("UserIdGroupPairs").get(0).get("Description").asText())
        .isEqualTo("from app");
    assertThat(perm.get("Ipv6Ranges").get(0).get("CidrIpv6").asText()).isEqualTo("2001:db8::/32");
    assertThat(g.get("IpPermissionsEgress").get(0).get("IpProtocol").asText()).isEqualTo("-1");
    assertThat(g.get("IpPermissionsEgress").get(0).get("IpRanges").get(0).get("CidrIp").asText())
        .isEqualTo("0.0.0.0/0");
    assertThat(g.get("Tags").get(0).get("Key").asText()).isEqualTo("team");
    assertThat(g.get("Tags").get(0).get("Value").asText()).isEqualTo("web");
    assertThat(
            list(
                aws("describe-security-groups", "--filters", "Name=group-name,Values=cli-*")
                    .get("SecurityGroups")))
        .extracting(n -> n.get("GroupName").asText())
        .containsExactlyInAnyOrder("cli-web", "cli-app");

    // paging: pages of 5 cover every group; --max-items stops with a token to go on from
    for (int i = 0; i < 11; i++) {
      sim.createSecurityGroup(REGION, VPC, "bulk-" + i, "bulk", Map.of());
    }
    int all = sim.describeAllSecurityGroups(REGION, GroupFilter.all()).size();
    assertThat(list(aws("describe-security-groups", "--page-size", "5").get("SecurityGroups")))
        .hasSize(all);
    JsonNode first = aws("describe-security-groups", "--max-items", "5");
    assertThat(list(first.get("SecurityGroups"))).hasSize(5);
    JsonNode rest =
        aws("describe-security-groups", "--starting-token", first.get("NextToken").asText());
    assertThat(list(rest.get("SecurityGroups"))).hasSize(all - 5);

    // revoke by rule id
    JsonNode revoked =
        aws(
            "revoke-security-group-ingress",
            "--group-id",
            web,
            "--security-group-rule-ids",
            v6.get("SecurityGroupRuleId").asText());
    assertThat(revoked.get("Return").asBoolean()).isTrue();
    assertThat(revoked.get("RevokedSecurityGroupRules").get(0).get("CidrIpv6").asText())
        .isEqualTo("2001:db8::/32");
    assertThat(
            inSimulator(web).rules().stream()
                .map(ObservedRule::rule)
                .filter(r -> r.direction() == Direction.INGRESS))
        .singleElement()
        .satisfies(r -> assertThat(r.peer().display()).isEqualTo(app));
    List<JsonNode> rules =
        list(
            aws("describe-security-group-rules", "--filters", "Name=group-id,Values=" + web)
                .get("SecurityGroupRules"));
    assertThat(rules).hasSize(2);
    assertThat(rules)
        .extracting(r -> r.get("IsEgress").asBoolean())
        .containsExactlyInAnyOrder(true, false);

    // tag and attach to an instance
    aws("create-tags", "--resources", web, INSTANCE, "--tags", "Key=env,Value=test");
    aws("modify-instance-attribute", "--instance-id", INSTANCE, "--groups", web);
    JsonNode instance =
        aws("describe-instances", "--instance-ids", INSTANCE)
            .get("Reservations")
            .get(0)
            .get("Instances")
            .get(0);
    assertThat(instance.get("InstanceId").asText()).isEqualTo(INSTANCE);
    assertThat(instance.get("VpcId").asText()).isEqualTo(VPC);
    assertThat(instance.get("State").get("Name").asText()).isEqualTo("running");
    assertThat(list(instance.get("Tags")))
        .anySatisfy(
            t ->
                assertThat(t.get("Key").asText() + "=" + t.get("Value").asText())
                    .isEqualTo("env=test"));
    JsonNode nic = instance.get("NetworkInterfaces").get(0);
    assertThat(nic.get("Groups").get(0).get("GroupId").asText()).isEqualTo(web);
    assertThat(nic.get("Groups").get(0).get("GroupName").asText()).isEqualTo("cli-web");
    assertThat(instance.get("SecurityGroups").get(0).get("GroupName").asText())
        .isEqualTo("cli-web");
    assertThat(nic.get("PrivateIpAddress").asText()).isEqualTo("10.0.2.30");
    assertThat(nic.get("Attachment").get("DeviceIndex").asInt()).isZero();
    assertThat(
            sim.describeAllInstances(REGION, new InstanceFilter(List.of(INSTANCE), null))
                .get(0)
                .interfaces()
                .get(0)
                .groupIds())
        .containsExactly(web);

    // delete: refused while in use and referenced, then done
    // the AWS CLI v1 exits with 255 when the service answers an error (v2: 254)
    Run inUse = awsRun("delete-security-group", "--group-id", web);
    assertThat(inUse.exit()).isEqualTo(255);
    assertThat(inUse.err()).contains("DependencyViolation").contains(INSTANCE);
    Run referenced = awsRun("delete-security-group", "--group-id", app);
    assertThat(referenced.exit()).isEqualTo(255);
    assertThat(referenced.err()).contains("DependencyViolation").contains(web);
    String defaultGroup =
        sim.describeAllSecurityGroups(REGION, new GroupFilter(null, List.of("default"), VPC, null))
            .get(0)
            .groupId();
    aws("modify-instance-attribute", "--instance-id", INSTANCE, "--groups", defaultGroup);
    aws("delete-security-group", "--group-id", web);
    aws("delete-security-group", "--group-id", app);
    assertThat(
            sim.describeAllSecurityGroups(
                REGION, new GroupFilter(null, List.of("cli-web", "cli-app"), null, null)))
        .isEmpty();
  }

  @Test
  void boto3ManagesGroupsByHand() throws Exception {
    Path script = home.resolve("boto3_sequence.py");
    try (InputStream in = ClientsIT.class.getResourceAsStream("/endpoint/boto3_sequence.py")) {
      Files.write(script, in.readAllBytes());
    }
    Run r =
        run(
            List.of(
                tool("python").toString(),
                script.toString(),
                endpoint.uri().toString(),
                REGION,
                VPC,
                INSTANCE,
                "pl-0c0ffee1"));
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode out = r.json();

    String db = out.get("create").get("GroupId").asText();
    assertThat(db).matches("sg-[0-9a-f]{17}");
    assertThat(out.get("create").get("Tags").get(0).get("Key").asText()).isEqualTo("tier");

    List<JsonNode> authorized = list(out.get("authorize"));
    assertThat(authorized).hasSize(3);
    assertThat(authorized).allSatisfy(x -> assertThat(x.get("FromPort").asInt()).isEqualTo(5432));
    assertThat(authorized)
        .anySatisfy(x -> assertThat(x.path("PrefixListId").asText()).isEqualTo("pl-0c0ffee1"));
    assertThat(authorized)
        .anySatisfy(x -> assertThat(x.path("CidrIpv6").asText()).isEqualTo("2001:db8::/32"));

    assertThat(list(out.get("pages"))).extracting(JsonNode::asInt).containsExactly(5, 5, 2);
    assertThat(list(out.get("pagedNames"))).hasSize(12);

    JsonNode g = out.get("describe").get(0);
    assertThat(g.get("GroupId").asText()).isEqualTo(db);
    assertThat(g.get("Description").asText()).isEqualTo("db tier");
    JsonNode perm = g.get("IpPermissions").get(0);
    assertThat(perm.get("UserIdGroupPairs").get(0).get("Description").asText())
        .isEqualTo("from app");
    assertThat(perm.get("Ipv6Ranges").get(0).get("Description").asText()).isEqualTo("v6 clients");
    assertThat(perm.get("PrefixListIds").get(0).get("PrefixListId").asText())
        .isEqualTo("pl-0c0ffee1");

    assertThat(list(out.get("rules"))).hasSize(4);
    List<JsonNode> changed = list(out.get("changed"));
    assertThat(changed)
        .anySatisfy(
            x -> {
              assertThat(x.path("ReferencedGroupInfo").path("GroupId").asText()).isNotEmpty();
              assertThat(x.get("Description").asText()).isEqualTo("app, renamed");
            });
    assertThat(changed)
        .anySatisfy(
            x -> {
              assertThat(x.path("CidrIpv6").asText()).isEqualTo("2001:db8:1::/48");
              assertThat(x.get("FromPort").asInt()).isEqualTo(6432);
              assertThat(x.get("Description").asText()).isEqualTo("pgbouncer");
            });
    assertThat(out.get("revoke").get(0).get("CidrIpv6").asText()).isEqualTo("2001:db8:1::/48");

    JsonNode instance = out.get("instance");
    assertThat(
            instance.get("NetworkInterfaces").get(0).get("Groups").get(0).get("GroupId").asText())
        .isEqualTo(db);
    assertThat(out.get("interfaces").get(0).get("Attachment").get("InstanceId").asText())
        .isEqualTo(INSTANCE);

    assertThat(list(out.get("deleteInUse")))
        .extracting(JsonNode::asText)
        .containsExactly("DependencyViolation", "400");
    assertThat(list(out.get("deleteReferenced")))
        .extracting(JsonNode::asText)
        .containsExactly("DependencyViolation", "400");
    assertThat(list(out.get("dryRun")))
        .extracting(JsonNode::asText)
        .containsExactly("DryRunOperation", "412");
    assertThat(list(out.get("unknownGroup")))
        .extracting(JsonNode::asText)
        .containsExactly("InvalidGroup.NotFound", "400");
    assertThat(out.get("vpcs").get(0).get("CidrBlock").asText()).isEqualTo("10.0.0.0/16");
    assertThat(out.get("prefixLists").get(0).get("MaxEntries").asInt()).isEqualTo(10);

    assertThat(inSimulator(db).tags()).containsEntry("env", "test");
  }
}
