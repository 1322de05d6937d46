package dev.portcullis.it;

import static dev.portcullis.it.OperatorRun.EU;
import static dev.portcullis.it.OperatorRun.VPC_A;
import static dev.portcullis.it.OperatorRun.WEB_ENI;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import dev.portcullis.sync.OwnerTags;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The SecurityGroup reconciler against the real API server, with the simulator as EC2. */
@ExtendWith(DiagnosticsOnFailure.class)
class SecurityGroupIT {

  static String sg(String name, String extra) {
    return "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: "
        + name
        + "}\nspec:\n  region: eu-west-1\n  vpcId: vpc-0a000001\n"
        + extra;
  }

  static List<String> rules(SecurityGroupInfo g) {
    return g.rules().stream()
        .map(r -> r.rule().key().withDescription("").display())
        .sorted()
        .toList();
  }

  @Test
  void createsTheGroupWithOwnershipTagsAndItsRulesThenFollowsSpecChanges() {
    try (OperatorRun run = new OperatorRun("sg-create").start()) {
      run.apply(
          SecurityGroup.class,
          sg(
              "web",
              """
                description: Web tier
                tags: {team: shop}
                ingress:
                  - ports: [http, https]
                    from: [{cidr: 0.0.0.0/0}, {cidr: "::/0"}]
              """));
      run.awaitCondition(SecurityGroup.class, "web", "Ready", "True");
      SecurityGroup web = run.get(SecurityGroup.class, "web");
      SecurityGroupInfo g = run.group(web.getStatus().getGroupId());
      // the namespace starts with sg-, which EC2 refuses at the start of a name: prefixed
      assertThat(g.groupName()).isEqualTo("k8s:" + run.ns + "/web");
      assertThat(g.description()).isEqualTo("Web tier");
      assertThat(g.tags())
          .containsEntry("team", "shop")
          .containsEntry(OwnerTags.NAMESPACE, run.ns)
          .containsEntry(OwnerTags.NAME, "web")
          .containsEntry(OwnerTags.UID, web.getMetadata().getUid())
          .containsEntry(OwnerTags.MANAGED_BY, "portcullis");
      assertThat(rules(g))
          .containsExactly(
              "egress all traffic to 0.0.0.0/0",
              "ingress tcp port 443 from 0.0.0.0/0",
              "ingress tcp port 443 from ::/0",
              "ingress tcp port 80 from 0.0.0.0/0",
              "ingress tcp port 80 from ::/0");
      assertThat(web.getStatus().getIngressRules()).isEqualTo(4);
      assertThat(web.getStatus().getObservedGeneration()).isEqualTo(1L);

      // A spec change: SSH from one address, no more IPv6, and an explicit egress list.
      run.apply(
          SecurityGroup.class,
          sg(
              "web",
              """
                description: Web tier
                tags: {team: shop}
                ingress:
                  - ports: [http, https]
                    from: [{cidr: 0.0.0.0/0}]
                  - ports: [ssh]
                    from: [{cidr: 203.0.113.7/32}]
                egress:
                  - ports: [5432]
                    to: [{cidr: 10.0.0.0/16}]
              """));
      await()
          .atMost(30, SECONDS)
          .pollInterval(200, MILLISECONDS)
          .until(
              () ->
                  Long.valueOf(2)
                      .equals(
                          run.get(SecurityGroup.class, "web").getStatus().getObservedGeneration()));
      assertThat(rules(run.group(g.groupId())))
          .containsExactly(
              "egress tcp port 5432 to 10.0.0.0/16",
              "ingress tcp port 22 from 203.0.113.7/32",
              "ingress tcp port 443 from 0.0.0.0/0",
              "ingress tcp port 80 from 0.0.0.0/0");
      assertThat(run.managedGroups()).hasSize(1);
    }
  }

  @Test
  void aMissingReferenceIsNamedUntilTheGroupAppearsAndCyclesAndSelfWork() {
    try (OperatorRun run = new OperatorRun("sg-refs").start()) {
      run.apply(
          SecurityGroup.class,
          sg(
              "app",
              """
                driftPolicy: Report
                ingress:
                  - ports: [8080]
                    from: [{securityGroup: lb}, {self: true}]
              """));
      Condition waiting =
          run.awaitCondition(SecurityGroup.class, "app", "Ready", "False", "ReferenceNotFound");
      assertThat(waiting.getMessage()).contains("lb").contains("no such SecurityGroup");
      run.awaitEvent("app", "ReferenceNotFound");
      // The group exists before its references resolve (docs/api.md says why), as EC2 makes every
      // new group: none of the spec's rules yet, only the default egress rule.
      String early = run.groupId("app");
      assertThat(early).startsWith("sg-");
      assertThat(rules(run.group(early))).containsExactly("egress all traffic to 0.0.0.0/0");

      // lb references app back: a cycle.
      run.apply(
          SecurityGroup.class,
          sg(
              "lb",
              """
                ingress:
                  - ports: [https]
                    from: [{cidr: 0.0.0.0/0}]
                egress:
                  - ports: [8080]
                    to: [{securityGroup: app}]
              """));
      run.awaitCondition(SecurityGroup.class, "app", "Ready", "True");
      run.awaitCondition(SecurityGroup.class, "lb", "Ready", "True");
      String app = run.groupId("app");
      String lb = run.groupId("lb");
      assertThat(app)
          .as("the group made while waiting is the one that gets the rules")
          .isEqualTo(early);
      assertThat(rules(run.group(app)))
          .contains("ingress tcp port 8080 from " + lb, "ingress tcp port 8080 from " + app);
      assertThat(rules(run.group(lb))).contains("egress tcp port 8080 to " + app);
      assertThat(run.get(SecurityGroup.class, "app").getStatus().getResolvedReferences())
          .containsEntry("lb", lb);
      // Rules that waited for a reference are applied as the spec's, even with driftPolicy Report,
      // and their first application is not drift.
      assertThat(run.events("app"))
          .extracting(e -> e.getReason())
          .doesNotContain("DriftCorrected", "DriftDetected");
      assertThat(run.get(SecurityGroup.class, "app").getStatus().getDrift()).isNull();

      // Deleting both members of the cycle removes both groups.
      run.delete(SecurityGroup.class, "app");
      run.delete(SecurityGroup.class, "lb");
      run.awaitGone(SecurityGroup.class, "app");
      run.awaitGone(SecurityGroup.class, "lb");
      assertThat(run.managedGroups()).isEmpty();
    }
  }

  @Test
  void aReferencedGroupRecreatedWithANewIdUpdatesItsDependents() {
    try (OperatorRun run = new OperatorRun("sg-newid").start()) {
      run.apply(
          SecurityGroup.class,
          sg("db", "  ingress:\n    - ports: [5432]\n      from: [{securityGroup: api}]\n"));
      run.apply(
          SecurityGroup.class,
          sg("api", "  ingress:\n    - ports: [https]\n      from: [{cidr: 10.0.0.0/16}]\n"));
      run.awaitCondition(SecurityGroup.class, "db", "Ready", "True");
      String oldApi = run.groupId("api");
      // Somebody deletes api's group in EC2; driftPolicy Correct recreates it with a new id.
      run.sim.revoke(
          EU,
          run.groupId("db"),
          Direction.INGRESS,
          List.of(
              new Rule(Direction.INGRESS, Protocol.TCP, 5432, 5432, new GroupPeer(oldApi), "")));
      run.sim.deleteSecurityGroup(EU, oldApi);
      await()
          .atMost(30, SECONDS)
          .pollInterval(200, MILLISECONDS)
          .until(() -> run.groupId("api") != null && !run.groupId("api").equals(oldApi));
      String newApi = run.groupId("api");
      run.awaitEvent("api", "GroupRecreated");
      await()
          .atMost(30, SECONDS)
          .pollInterval(200, MILLISECONDS)
          .untilAsserted(
              () ->
                  assertThat(rules(run.group(run.groupId("db"))))
                      .contains("ingress tcp port 5432 from " + newApi)
                      .doesNotContain("ingress tcp port 5432 from " + oldApi));
    }
  }

  @Test
  void driftIsCorrectedOrOnlyReportedAsThePolicySays() {
    try (OperatorRun run = new OperatorRun("sg-drift").start()) {
      String ssh = "  ingress:\n    - ports: [ssh]\n      from: [{cidr: 10.0.0.0/16}]\n";
      run.apply(SecurityGroup.class, sg("fixed", ssh));
      run.apply(SecurityGroup.class, sg("watched", "  driftPolicy: Report\n" + ssh));
      run.awaitCondition(SecurityGroup.class, "fixed", "Ready", "True");
      run.awaitCondition(SecurityGroup.class, "watched", "Ready", "True");
      Rule rdp = new Rule(Direction.INGRESS, Protocol.TCP, 3389, 3389, Cidr4.ANY, "added by hand");
      for (String name : List.of("fixed", "watched")) {
        run.sim.authorize(EU, run.groupId(name), Direction.INGRESS, List.of(rdp));
      }
      // Correct: the rule added outside is taken out again, and an event says so.
      run.awaitEvent("fixed", "DriftCorrected");
      await()
          .atMost(30, SECONDS)
          .pollInterval(200, MILLISECONDS)
          .until(
              () ->
                  !rules(run.group(run.groupId("fixed")))
                      .contains("ingress tcp port 3389 from 0.0.0.0/0"));
      // Report: it stays, and status and an event name it.
      Condition drifted =
          run.awaitCondition(SecurityGroup.class, "watched", "Drifted", "True", "DriftDetected");
      assertThat(drifted.getMessage()).contains("unexpected: ingress tcp port 3389 from 0.0.0.0/0");
      SecurityGroup watched = run.get(SecurityGroup.class, "watched");
      assertThat(watched.getStatus().getDrift().getUnexpected()).isEqualTo(1);
      assertThat(watched.getStatus().getDrift().getMissing()).isZero();
      run.awaitEvent("watched", "DriftDetected");
      assertThat(rules(run.group(run.groupId("watched"))))
          .contains("ingress tcp port 3389 from 0.0.0.0/0");
    }
  }

  @Test
  void additiveOwnershipLeavesOthersRulesAndAdoptionTakesOverAnExistingGroup() {
    try (OperatorRun run = new OperatorRun("sg-adopt").start()) {
      SecurityGroupInfo legacy =
          run.sim.createSecurityGroup(EU, VPC_A, "legacy", "made by hand", Map.of());
      Rule theirs = new Rule(Direction.INGRESS, Protocol.TCP, 8443, 8443, Cidr4.ANY, "");
      run.sim.authorize(EU, legacy.groupId(), Direction.INGRESS, List.of(theirs));
      run.apply(
          SecurityGroup.class,
          "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: legacy}\n"
              + "spec:\n  region: eu-west-1\n  vpcId: vpc-0a000001\n  adoptGroupId: "
              + legacy.groupId()
              + "\n  ruleOwnership: Additive\n  ingress:\n    - ports: [ssh]\n      from: [{cidr: 10.0.0.0/8}]\n");
      run.awaitCondition(SecurityGroup.class, "legacy", "Ready", "True");
      SecurityGroupInfo after = run.group(legacy.groupId());
      assertThat(after.tags()).containsEntry(OwnerTags.NAME, "legacy");
      assertThat(rules(after))
          .contains("ingress tcp port 22 from 10.0.0.0/8", "ingress tcp port 8443 from 0.0.0.0/0");
      run.awaitEvent("legacy", "Adopted");
      assertThat(run.managedGroups())
          .extracting(SecurityGroupInfo::groupId)
          .containsExactly(legacy.groupId());
    }
  }

  @Test
  void aCidrWithHostBitsIsAppliedAsEc2HoldsItAndSaidInStatusAndAnEvent() {
    try (OperatorRun run = new OperatorRun("sg-hostbits").start()) {
      run.apply(
          SecurityGroup.class,
          sg("wide", "  ingress:\n    - ports: [ssh]\n      from: [{cidr: 10.0.0.5/8}]\n"));
      run.awaitCondition(SecurityGroup.class, "wide", "Ready", "True");
      run.awaitEvent("wide", "SpecWarning");
      SecurityGroup wide = run.get(SecurityGroup.class, "wide");
      assertThat(wide.getStatus().getWarnings())
          .containsExactly(
              "spec.ingress[0].from[0].cidr: \"10.0.0.5/8\" has host bits set; it means"
                  + " 10.0.0.0/8, which is what EC2 will hold");
      assertThat(rules(run.group(wide.getStatus().getGroupId())))
          .contains("ingress tcp port 22 from 10.0.0.0/8");
      assertThat(run.events("wide"))
          .filteredOn(e -> "SpecWarning".equals(e.getReason()))
          .singleElement()
          .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));
    }
  }

  @Test
  void lastSyncTimeMovesWithEachResync() {
    try (OperatorRun run =
        new OperatorRun("sg-resync").tuned(s -> s.withResync(Duration.ofSeconds(3))).start()) {
      run.apply(SecurityGroup.class, sg("web", ""));
      run.awaitCondition(SecurityGroup.class, "web", "Ready", "True");
      String first = run.get(SecurityGroup.class, "web").getStatus().getLastSyncTime();
      assertThat(first).isNotNull();
      await()
          .atMost(20, SECONDS)
          .pollInterval(500, MILLISECONDS)
          .until(
              () ->
                  Instant.parse(run.get(SecurityGroup.class, "web").getStatus().getLastSyncTime())
                      .isAfter(Instant.parse(first)));
      Condition ready = OperatorRun.condition(run.get(SecurityGroup.class, "web"), "Ready");
      assertThat(Instant.parse(ready.getLastTransitionTime()))
          .as("the condition did not change, so its transition time stays")
          .isBeforeOrEqualTo(Instant.parse(first));
    }
  }

  @Test
  void aGroupOfTheSameNameThatIsNotOursIsNeverTouched() {
    try (OperatorRun run = new OperatorRun("sg-notours").start()) {
      SecurityGroupInfo theirs =
          run.sim.createSecurityGroup(EU, VPC_A, "taken", "someone elses", Map.of());
      run.apply(
          SecurityGroup.class,
          sg(
              "mine",
              "  groupName: taken\n  ingress:\n    - ports: [ssh]\n      from: [{cidr: 10.0.0.0/8}]\n"));
      Condition c =
          run.awaitCondition(SecurityGroup.class, "mine", "Ready", "False", "GroupNameTaken");
      assertThat(c.getMessage())
          .contains("\"taken\"", theirs.groupId(), "spec.adoptGroupId: " + theirs.groupId())
          .contains("choose another spec.groupName");
      SecurityGroupInfo still = run.group(theirs.groupId());
      assertThat(still.tags()).isEmpty();
      assertThat(rules(still)).containsExactly("egress all traffic to 0.0.0.0/0");
    }
  }

  @Test
  void whatTheSchemaCannotCatchIsAConditionAndNothingReachesEc2() {
    try (OperatorRun run = new OperatorRun("sg-invalid").start()) {
      // 7 ports x 10 peers = 70 atomic rules: each list is within the schema's sizes, the product
      // is over EC2's quota of 60 inbound IPv4 rules.
      StringBuilder peers = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        peers.append("{cidr: 10.").append(i).append(".0.0/16}, ");
      }
      run.apply(
          SecurityGroup.class,
          sg(
              "big",
              "  ingress:\n    - ports: [22, 80, 443, 3389, 8080, 8443, 9090]\n      from: ["
                  + peers.substring(0, peers.length() - 2)
                  + "]\n"));
      Condition c = run.awaitCondition(SecurityGroup.class, "big", "Ready", "False", "InvalidSpec");
      assertThat(c.getMessage())
          .contains("spec.ingress")
          .contains("60")
          .contains("nothing was sent to EC2");
      run.awaitEvent("big", "InvalidSpec");
      assertThat(run.managedGroups()).isEmpty();
      assertThat(run.groupId("big")).isNull();

      // A reference across regions can never match: refused before the group is created.
      run.apply(SecurityGroup.class, sg("local", ""));
      run.apply(
          SecurityGroup.class,
          "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: far}\n"
              + "spec:\n  region: us-east-1\n  vpcId: vpc-0e000001\n  ingress:\n"
              + "    - ports: [https]\n      from: [{securityGroup: local}]\n");
      Condition far =
          run.awaitCondition(SecurityGroup.class, "far", "Ready", "False", "InvalidSpec");
      assertThat(far.getMessage()).contains("eu-west-1").contains("us-east-1");
      assertThat(
              run.sim.describeAllSecurityGroups(
                  "us-east-1", GroupFilter.tags(Map.of(OwnerTags.NAMESPACE, run.ns))))
          .isEmpty();

      // A prefix list counts as its maximum entries (pl-0c0ffee1: 10 in the world): 5 ports x 11
      // peers = 55 rules, and the list on one port makes 65, over the quota of 60.
      StringBuilder hosts = new StringBuilder();
      for (int i = 0; i < 11; i++) {
        hosts.append(i == 0 ? "" : ", ").append("{cidr: 10.1.0.").append(i).append("/32}");
      }
      run.apply(
          SecurityGroup.class,
          sg(
              "listed",
              "  ingress:\n    - ports: [22, 80, 443, 8080, 8443]\n      from: ["
                  + hosts
                  + "]\n    - ports: [9090]\n      from: [{prefixListId: pl-0c0ffee1}]\n"));
      Condition listed =
          run.awaitCondition(SecurityGroup.class, "listed", "Ready", "False", "InvalidSpec");
      assertThat(listed.getMessage()).contains("60").contains("nothing was sent to EC2");
      assertThat(run.groupId("listed")).isNull();

      // A list the region does not have is named, and no group is created for it.
      run.apply(
          SecurityGroup.class,
          sg(
              "unlisted",
              "  ingress:\n    - ports: [https]\n      from: [{prefixListId: pl-0badbad0}]\n"));
      Condition unlisted =
          run.awaitCondition(SecurityGroup.class, "unlisted", "Ready", "False", null);
      assertThat(unlisted.getMessage())
          .contains("InvalidPrefixListID.NotFound")
          .contains("pl-0badbad0");
      assertThat(run.groupId("unlisted")).isNull();
      assertThat(run.managedGroups()).as("only the valid group, local").hasSize(1);
    }
  }

  @Test
  void deletionBlockedByAnInterfaceIsExplainedAndRetainKeepsTheGroup() {
    try (OperatorRun run = new OperatorRun("sg-delete").start()) {
      run.apply(
          SecurityGroup.class,
          sg("busy", "  ingress:\n    - ports: [https]\n      from: [{cidr: 10.0.0.0/8}]\n"));
      run.apply(SecurityGroup.class, sg("kept", "  deletionPolicy: Retain\n"));
      run.awaitCondition(SecurityGroup.class, "busy", "Ready", "True");
      run.awaitCondition(SecurityGroup.class, "kept", "Ready", "True");
      String busy = run.groupId("busy");
      String kept = run.groupId("kept");
      run.sim.setInterfaceGroups(EU, WEB_ENI, List.of(busy));

      run.delete(SecurityGroup.class, "busy");
      Condition blocked =
          run.awaitCondition(SecurityGroup.class, "busy", "Ready", "False", "DeletionBlocked");
      assertThat(blocked.getMessage()).contains(WEB_ENI).contains(OperatorRun.WEB);
      run.awaitEvent("busy", "DeletionBlocked");
      assertThat(run.group(busy)).isNotNull();

      run.sim.setInterfaceGroups(
          EU,
          WEB_ENI,
          List.of(
              run.sim
                  .describeAllSecurityGroups(
                      EU, new GroupFilter(null, List.of("default"), VPC_A, null))
                  .get(0)
                  .groupId()));
      run.awaitGone(SecurityGroup.class, "busy");
      assertThatThrownBy(() -> run.group(busy))
          .isInstanceOfSatisfying(
              CloudException.class, e -> assertThat(e.code()).isEqualTo("InvalidGroup.NotFound"));

      run.delete(SecurityGroup.class, "kept");
      run.awaitGone(SecurityGroup.class, "kept");
      SecurityGroupInfo left = run.group(kept);
      assertThat(left.tags()).doesNotContainKeys(OwnerTags.UID, OwnerTags.MANAGED_BY);
    }
  }

  @Test
  void deletionBlockedByAnotherGroupsReferenceNamesIt() {
    try (OperatorRun run = new OperatorRun("group-ref-delete").start()) {
      run.apply(
          SecurityGroup.class,
          sg("a", "  ingress:\n    - ports: [ssh]\n      from: [{cidr: 10.0.0.0/8}]\n"));
      run.apply(
          SecurityGroup.class,
          sg("b", "  ingress:\n    - ports: [ssh]\n      from: [{securityGroup: a}]\n"));
      run.awaitCondition(SecurityGroup.class, "b", "Ready", "True");
      String a = run.groupId("a");
      String b = run.groupId("b");
      run.delete(SecurityGroup.class, "a");
      Condition blocked =
          run.awaitCondition(SecurityGroup.class, "a", "Ready", "False", "DeletionBlocked");
      assertThat(blocked.getMessage()).contains(b).contains("SecurityGroup " + run.ns + "/b");
      // b no longer references a: a goes
      run.apply(
          SecurityGroup.class,
          sg("b", "  ingress:\n    - ports: [ssh]\n      from: [{cidr: 10.0.0.0/8}]\n"));
      run.awaitGone(SecurityGroup.class, "a");
      assertThat(run.managedGroups()).extracting(SecurityGroupInfo::groupId).containsExactly(b);
      assertThat(a).isNotEqualTo(b);
    }
  }

  static boolean has(SecurityGroupInfo g, Rule r) {
    return g.rules().stream().map(ObservedRule::rule).anyMatch(x -> x.key().equals(r.key()));
  }
}
