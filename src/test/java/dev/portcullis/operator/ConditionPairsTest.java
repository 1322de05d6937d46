package dev.portcullis.operator;

import static dev.portcullis.operator.ReconcilerWorld.EU;
import static dev.portcullis.operator.ReconcilerWorld.condition;
import static dev.portcullis.operator.ReconcilerWorld.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.api.v1alpha1.ConditionTypes;
import dev.portcullis.api.v1alpha1.ConditionedStatus;
import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.api.v1alpha1.SecurityGroupStatus;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The conditions of one status never disagree. Every outcome each reconciler can reach is driven
 * here; the pair of conditions it leaves (Ready and Synced; Evaluated and ExpectationMet) must be
 * one the table allows, and every row of the table must be reached, so a new reason has to be added
 * to the table, where its pair is decided.
 */
class ConditionPairsTest {
  final ReconcilerWorld world = new ReconcilerWorld();
  final SecurityGroupReconciler groups = new SecurityGroupReconciler(world.op);
  final AttachmentReconciler attachments = new AttachmentReconciler(world.op);
  final ReachabilityCheckReconciler checks = new ReachabilityCheckReconciler(world.op);
  final Set<String> seen = new TreeSet<>();

  /** kind, first condition (status reason), second condition (status reason, or "-" if absent). */
  static final Set<String> ALLOWED =
      Set.of(
          "SecurityGroup Ready=False InvalidSpec / Synced=False InvalidSpec",
          "SecurityGroup Ready=False GroupNameTaken / Synced=False GroupNameTaken",
          "SecurityGroup Ready=False AdoptedGroupNotFound / Synced=False AdoptedGroupNotFound",
          "SecurityGroup Ready=False CreationQueued / Synced=False CreationQueued",
          "SecurityGroup Ready=False InvalidPrefixListID.NotFound / Synced=False"
              + " InvalidPrefixListID.NotFound",
          "SecurityGroup Ready=False ReferenceNotFound / Synced=True Synced",
          "SecurityGroup Ready=False DriftDetected / Synced=True Synced",
          "SecurityGroup Ready=False GroupDeleted / Synced=True Synced",
          "SecurityGroup Ready=True Ready / Synced=True Synced",
          "SecurityGroup Ready=True Ready / Synced=False Throttled",
          "SecurityGroupAttachment Ready=False TooManyGroups / Synced=False TooManyGroups",
          "SecurityGroupAttachment Ready=False GroupNotReady / Synced=False GroupNotReady",
          "SecurityGroupAttachment Ready=False Refused / Synced=False Refused",
          "SecurityGroupAttachment Ready=False NoInstances / Synced=True Synced",
          "SecurityGroupAttachment Ready=True Attached / Synced=True Synced",
          "SecurityGroupAttachment Ready=True Attached / Synced=False Retrying",
          "ReachabilityCheck Evaluated=False GroupNotReady / ExpectationMet -",
          "ReachabilityCheck Evaluated=False InstanceNotFound / ExpectationMet=Unknown"
              + " NotEvaluated",
          "ReachabilityCheck Evaluated=True Evaluated / ExpectationMet -",
          "ReachabilityCheck Evaluated=True Evaluated / ExpectationMet=True ExpectationMet",
          "ReachabilityCheck Evaluated=True Evaluated / ExpectationMet=False ExpectationNotMet",
          "ReachabilityCheck Evaluated=True Evaluated / ExpectationMet=Unknown Converging");

  static String part(List<Condition> conditions, String type) {
    Condition c = condition(conditions, type);
    return c == null ? type + " -" : type + "=" + c.getStatus() + " " + c.getReason();
  }

  <R extends HasMetadata> void record(R r, ConditionedStatus s, String first, String second) {
    String pair =
        r.getKind()
            + " "
            + part(s.getConditions(), first)
            + " / "
            + part(s.getConditions(), second);
    assertThat(ALLOWED).as("a pair no row of the table allows").contains(pair);
    seen.add(pair);
  }

  void group(SecurityGroup sg) {
    record(sg, world.reconcile(groups, sg), ConditionTypes.READY, ConditionTypes.SYNCED);
  }

  void attachment(SecurityGroupAttachment a) {
    UpdateControl<SecurityGroupAttachment> c = attachments.reconcile(a, null);
    if (c.isPatchStatus()) {
      a.setStatus(c.getResource().orElseThrow().getStatus());
    }
    record(a, a.getStatus(), ConditionTypes.READY, ConditionTypes.SYNCED);
  }

  void check(ReachabilityCheck k) {
    UpdateControl<ReachabilityCheck> c = checks.reconcile(k, null);
    if (c.isPatchStatus()) {
      k.setStatus(c.getResource().orElseThrow().getStatus());
    }
    record(k, k.getStatus(), ConditionTypes.EVALUATED, ConditionTypes.EXPECTATION_MET);
  }

  static SecurityGroup sg(String name, String spec) {
    return resource(
        SecurityGroup.class,
        "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: "
            + name
            + "}\nspec: "
            + spec
            + "\n");
  }

  static final String HERE = "region: eu-west-1, vpcId: vpc-0a000001";

  static SecurityGroupAttachment attach(String groups, String instances) {
    return resource(
        SecurityGroupAttachment.class,
        "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroupAttachment\n"
            + "metadata: {name: a}\nspec: {region: eu-west-1, securityGroups: "
            + groups
            + ", instances: "
            + instances
            + "}\n");
  }

  static ReachabilityCheck probe(String from, String to, String expect) {
    return resource(
        ReachabilityCheck.class,
        "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: ReachabilityCheck\nmetadata: {name: p}\n"
            + "spec: {region: eu-west-1, from: "
            + from
            + ", to: {instanceId: "
            + to
            + "}, port: 5432"
            + (expect == null ? "" : ", expect: " + expect)
            + "}\n");
  }

  @Test
  void everyPairIsOneTheTableAllowsAndEveryRowIsReached() {
    // SecurityGroups
    group(sg("bad", "{" + HERE + ", groupName: sg-bad}"));
    world.sim.createSecurityGroup(EU, "vpc-0a000001", "taken", "d", Map.of());
    group(sg("taken", "{" + HERE + ", groupName: taken}"));
    group(sg("adopt", "{region: eu-west-1, adoptGroupId: sg-0fffffffffffffff0}"));
    SecurityGroup waiting =
        world.groups.put(
            sg(
                "waits",
                "{" + HERE + ", ingress: [{ports: [22], from: [{securityGroup: later}]}]}"));
    group(waiting);
    SecurityGroup web =
        world.groups.put(
            sg("web", "{" + HERE + ", ingress: [{ports: [443], from: [{cidr: 0.0.0.0/0}]}]}"));
    group(web);
    String webId = web.getStatus().getGroupId();
    record(
        web,
        groups
            .updateErrorStatus(
                web,
                null,
                new CloudException("RequestLimitExceeded", CloudException.Kind.THROTTLED, "slow"))
            .getResource()
            .orElseThrow()
            .getStatus(),
        ConditionTypes.READY,
        ConditionTypes.SYNCED);
    SecurityGroup report =
        world.groups.put(
            sg(
                "report",
                "{"
                    + HERE
                    + ", driftPolicy: Report, ingress: [{ports: [443], from: [{cidr:"
                    + " 0.0.0.0/0}]}]}"));
    group(report);
    String reportId = report.getStatus().getGroupId();
    world.removeIngressOutOfBand(reportId);
    group(report);
    world.sim.deleteSecurityGroup(EU, reportId);
    world.op.inventory().expire(EU);
    group(report);
    world.sim.authorize(
        EU,
        webId,
        Direction.INGRESS,
        List.of(new Rule(Direction.INGRESS, Protocol.TCP, 22, 22, Cidr4.ANY, "by hand")));
    web.getSpec().getIngress().get(0).setPorts(List.of("443", "22"));
    web.getMetadata().setGeneration(2L);
    group(web); // the rule is found when the group is read again: Ready
    // EC2 refuses: a prefix list the region does not have
    group(
        world.groups.put(
            sg(
                "unlisted",
                "{" + HERE + ", ingress: [{ports: [443], from: [{prefixListId: pl-0fffffff}]}]}")));
    queued();

    // attachments
    SecurityGroupAttachment many = attach("[a, b, c]", "{ids: [i-0a000002]}");
    many.getSpec().setSecurityGroupIds(List.of("sg-1", "sg-2", "sg-3"));
    attachment(many);
    attachment(attach("[nothere]", "{ids: [i-0a000002]}"));
    world.ec2Group(world.securityGroup("att", false));
    world.op.inventory().expire(EU); // made outside the operator: read again
    attachment(attach("[att]", "{ids: [i-0fffffff]}"));
    attachment(attach("[att]", "{selector: {tags: {role: nobody}}}"));
    SecurityGroupAttachment ok = attach("[att]", "{ids: [i-0a000002]}");
    attachment(ok);
    record(
        ok,
        attachments
            .updateErrorStatus(
                ok, null, new CloudException("InternalError", CloudException.Kind.TRANSIENT, "x"))
            .getResource()
            .orElseThrow()
            .getStatus(),
        ConditionTypes.READY,
        ConditionTypes.SYNCED);

    // checks (the SecurityGroups above that wait still converge: judged after they are gone)
    check(probe("{securityGroup: later}", "i-0a000003", "Reachable"));
    ReachabilityCheck gone = probe("{cidr: 10.0.0.9/32}", "i-0a000003", "Blocked");
    check(gone);
    check(probe("{cidr: 10.0.0.9/32}", "i-0a000003", null));
    gone.getSpec().getTo().setInstanceId("i-0fffffff");
    gone.getMetadata().setGeneration(2L);
    check(gone);
    world.groups.put(sg("waits", "{" + HERE + "}")).setStatus(web.getStatus());
    world.groups.put(sg("later", "{" + HERE + "}")).setStatus(web.getStatus());
    for (SecurityGroup g : List.of(waiting, web, report)) {
      g.getStatus().setObservedGeneration(g.getMetadata().getGeneration());
    }
    world.groups.list(g -> true).forEach(this::settle);
    check(probe("{cidr: 10.0.0.9/32}", "i-0a000003", "Blocked"));
    check(probe("{cidr: 10.0.0.9/32}", "i-0a000003", "Reachable"));

    assertThat(seen).containsExactlyInAnyOrderElementsOf(ALLOWED);
  }

  /** Marks a cached group as reconciled and waiting for nothing. */
  private void settle(SecurityGroup g) {
    g.setStatus(web(g));
  }

  private static SecurityGroupStatus web(SecurityGroup g) {
    var s = new SecurityGroupStatus();
    s.setObservedGeneration(g.getMetadata().getGeneration());
    s.setConditions(
        Conditions.set(
            null,
            ConditionTypes.READY,
            true,
            "Ready",
            "fine",
            g.getMetadata().getGeneration(),
            Clock.systemUTC()));
    return s;
  }

  /**
   * A group that has waited 12 s for its turn to create (the wait comes from the creation queue's
   * clock, so the draft is told it directly).
   */
  private void queued() {
    SecurityGroup sg = world.groups.put(sg("queued", "{" + HERE + "}"));
    SecurityGroupStatusDraft draft = new SecurityGroupStatusDraft(sg, world.op);
    draft.queued(Duration.ofSeconds(12));
    record(sg, draft.status, ConditionTypes.READY, ConditionTypes.SYNCED);
    world.groups.put(sg("queued", "{" + HERE + "}")).setStatus(draft.status);
  }
}
