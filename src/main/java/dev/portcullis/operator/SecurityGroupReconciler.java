package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.ConditionTypes;
import dev.portcullis.api.v1alpha1.DeletionPolicy;
import dev.portcullis.api.v1alpha1.RuleSpecs;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupSpec;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Ownership;
import dev.portcullis.engine.Plan;
import dev.portcullis.engine.Problem;
import dev.portcullis.engine.Resolver;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts;
import dev.portcullis.sync.DesiredGroup;
import dev.portcullis.sync.GroupKeeper;
import dev.portcullis.sync.GroupSync;
import dev.portcullis.sync.ManagedRules;
import dev.portcullis.sync.OwnerTags;
import dev.portcullis.sync.ReferenceLocality;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Brings an EC2 security group in line with a SecurityGroup: finds it by its ownership tags or
 * creates it, resolves the SecurityGroups its rules name, plans the rules against what EC2 holds
 * and applies the plan (or, for drift under {@code driftPolicy: Report}, only reports it), then
 * writes conditions. Deletes (or retains) the group when the resource goes.
 */
@ControllerConfiguration(name = SecurityGroupReconciler.NAME)
public final class SecurityGroupReconciler
    implements Reconciler<SecurityGroup>, Cleaner<SecurityGroup> {
  public static final String NAME = "securitygroup";

  /** The reason of Ready when a rule names a SecurityGroup of another shard ({@link Shard}). */
  static final String OUTSIDE_SHARD = "ReferenceOutsideShard";

  private static final String KIND = "SecurityGroup";

  private final OperatorContext op;

  public SecurityGroupReconciler(OperatorContext op) {
    this.op = op;
  }

  @Override
  public List<EventSource<?, SecurityGroup>> prepareEventSources(
      EventSourceContext<SecurityGroup> context) {
    return op.triggers().groups(context);
  }

  /** The names of the SecurityGroups the spec's rules reference. */
  static Set<String> referencedNames(SecurityGroup sg) {
    return RuleSpecs.securityGroupNames(sg.getSpec());
  }

  @Override
  public UpdateControl<SecurityGroup> reconcile(SecurityGroup sg, Context<SecurityGroup> context) {
    SecurityGroupStatusDraft draft = new SecurityGroupStatusDraft(sg, op);
    op.metrics().region(sg.getSpec().getRegion());
    try {
      reconcile(sg, context, draft);
    } catch (CloudException e) {
      if (e.retryable()) {
        throw e; // throttling or a passing fault: JOSDK retries with backoff (updateErrorStatus)
      }
      draft.cloudRefused(e);
    } finally {
      if (!draft.queued) {
        // needs no turn to create (any more): a place or a turn it held goes to the next
        op.creations()
            .forget(
                GroupKeeper.creationKey(
                    sg.getMetadata().getNamespace(), sg.getMetadata().getName()));
      }
    }
    op.denialReports().applyTo(sg.getMetadata().getUid(), draft.status);
    return draft.control();
  }

  /**
   * Whether a SecurityGroup that names this one in its rules has its EC2 group already: its rules
   * wait for this group's, so this group is created before those nobody waits for.
   */
  private boolean awaitedByCreatedGroup(SecurityGroup sg, Context<SecurityGroup> context) {
    ObjectMeta meta = sg.getMetadata();
    for (SecurityGroup other :
        context
            .getPrimaryCache()
            .byIndex(Triggers.REFERENCES, Triggers.key(meta.getNamespace(), meta.getName()))) {
      if (other.getSpec() != null
          && sg.getSpec().getRegion().equals(other.getSpec().getRegion())
          && op.inventory()
              .ownedBy(other.getSpec().getRegion(), other.getMetadata().getUid())
              .isPresent()) {
        return true;
      }
    }
    return false;
  }

  private void reconcile(
      SecurityGroup sg, Context<SecurityGroup> context, SecurityGroupStatusDraft draft) {
    SecurityGroupSpec spec = sg.getSpec();
    ObjectMeta meta = sg.getMetadata();
    String region = spec.getRegion();
    // A list counts as its maximum entries against the rule quota: read before anything is planned.
    Set<String> listIds = region == null ? Set.of() : RuleSpecs.prefixListIds(spec);
    Map<String, RuleCounts.PrefixListSize> prefixLists =
        listIds.isEmpty() ? Map.of() : op.prefixLists().of(region, listIds);
    DesiredGroup desired = DesiredGroup.of(spec, op.cloud().quotas(), prefixLists);
    draft.warnings(desired.warnings());
    if (!desired.ok()) {
      draft.invalid(
          desired.errors().stream().map(Problem::toString).collect(Collectors.joining("; ")));
      return;
    }
    OwnerTags owner = new OwnerTags(meta.getNamespace(), meta.getName(), meta.getUid());
    String knownId = draft.status.getGroupId();

    // A reference across regions or VPCs can never match: refused before anything reaches EC2.
    Map<String, SecurityGroup> referenced = new TreeMap<>();
    for (String name : referencedNames(sg)) {
      SecurityGroup other =
          context.getPrimaryCache().get(new ResourceID(name, meta.getNamespace())).orElse(null);
      if (other == null) {
        Optional<String> outside = op.shard().outside(KIND, meta.getNamespace(), name);
        if (outside.isPresent()) {
          draft.refused(OUTSIDE_SHARD, outside.get() + "; nothing was sent to EC2");
          return;
        }
        continue;
      }
      if (other.getSpec() == null) {
        continue;
      }
      Optional<String> elsewhere = ReferenceLocality.problem(name, spec, other.getSpec());
      if (elsewhere.isPresent()) {
        draft.invalid(elsewhere.get());
        return;
      }
      referenced.put(name, other);
    }

    // 1. The group: adopted, found by id or by its tags, or created when its turn comes.
    GroupKeeper.Outcome kept =
        spec.getAdoptGroupId() != null
            ? op.keeper().adopt(region, owner, spec.getAdoptGroupId(), spec.getVpcId())
            : op.keeper()
                .ensure(
                    region,
                    owner,
                    knownId,
                    DesiredGroup.wanted(spec, meta.getNamespace(), meta.getName()),
                    draft.specChanged() || !draft.reportsDrift(),
                    awaitedByCreatedGroup(sg, context));
    if (kept instanceof GroupKeeper.Queued q) {
      draft.queued(q.waited());
      return; // woken when its turn to create comes
    }
    if (kept instanceof GroupKeeper.Refused r) {
      draft.refused(r.reason(), r.message());
      return;
    }
    if (kept instanceof GroupKeeper.Gone g) {
      draft.groupDeleted(g.groupId());
      return;
    }
    GroupKeeper.Kept k = (GroupKeeper.Kept) kept;
    SecurityGroupInfo group = k.group();
    boolean created = k.how() == GroupKeeper.How.CREATED || k.how() == GroupKeeper.How.RECREATED;
    String what = group.groupId() + " (" + group.groupName() + ")";
    switch (k.how()) {
      case CREATED -> op.events().normal(sg, "Created", "Created " + what);
      case RECREATED -> {
        op.metrics()
            .driftFound(
                SecurityGroupStatusDraft.CORRECT, OperatorMetrics.DriftOutcome.GROUP_DELETED);
        op.metrics().driftSeen(sg, region, Instant.now(op.clock()));
        op.events()
            .warning(
                sg, "GroupRecreated", knownId + " was deleted outside Portcullis; created " + what);
      }
      case ADOPTED -> op.events().normal(sg, "Adopted", "Took over " + what);
      case FOUND -> {}
    }
    draft.group(group);
    if (!group.groupId().equals(knownId)) {
      op.triggers().groupChanged(meta.getNamespace(), meta.getName(), region);
    }

    // 2. References to other SecurityGroups of the namespace, by their EC2 groups.
    Map<String, String> uids = new TreeMap<>();
    referenced.forEach((name, other) -> uids.put(name, other.getMetadata().getUid()));
    GroupKeeper.References refs =
        op.keeper().references(region, meta.getNamespace(), referencedNames(sg), uids);
    Map<String, String> ids = refs.ids();
    List<String> waiting = refs.waiting();
    draft.status.setResolvedReferences(ids.isEmpty() ? null : ids);
    Resolver.Resolution resolved = Resolver.resolve(desired.rules(), group.groupId(), ids);
    if (!waiting.isEmpty() || !resolved.complete()) {
      draft.waitingFor(waiting);
      return;
    }

    // 3. Rules: plan against EC2, apply or report.
    boolean correct = draft.rulesPending() || created || !draft.reportsDrift();
    Ownership ownership =
        ManagedRules.of(
            spec,
            draft.status.getManagedRules() == null ? List.of() : draft.status.getManagedRules(),
            group.rules(),
            created);
    GroupSync.Outcome outcome =
        op.groupSync().syncRules(region, group, resolved.rules(), ownership, correct, prefixLists);
    Plan plan = outcome.plan();
    List<Rule> now = outcome.held();
    if (outcome.applied()) {
      SecurityGroupInfo after =
          new SecurityGroupInfo(
              group.groupId(),
              group.groupName(),
              group.description(),
              group.vpcId(),
              group.tags(),
              now.stream().map(r -> new ObservedRule(null, r)).toList());
      op.inventory().put(region, after);
      op.triggers().regionChanged(region);
    }
    boolean drift = !plan.isEmpty() && !draft.rulesPending() && !created;
    draft.synced(now, resolved.rules(), plan, drift, outcome.applied(), spec);
  }

  @Override
  public ErrorStatusUpdateControl<SecurityGroup> updateErrorStatus(
      SecurityGroup sg, Context<SecurityGroup> context, Exception e) {
    SecurityGroupStatusDraft draft = new SecurityGroupStatusDraft(sg, op);
    draft.retrying(e);
    op.denialReports().applyTo(sg.getMetadata().getUid(), draft.status);
    return draft.errorControl();
  }

  @Override
  public DeleteControl cleanup(SecurityGroup sg, Context<SecurityGroup> context) {
    SecurityGroupSpec spec = sg.getSpec();
    ObjectMeta meta = sg.getMetadata();
    String region = spec.getRegion();
    op.creations().forget(GroupKeeper.creationKey(meta.getNamespace(), meta.getName()));
    op.reportedDrift().forget(meta.getUid());
    op.denialReports().forget(meta.getUid());
    try {
      Optional<SecurityGroupInfo> group =
          op.keeper()
              .find(
                  region,
                  new OwnerTags(meta.getNamespace(), meta.getName(), meta.getUid()),
                  sg.getStatus() == null ? null : sg.getStatus().getGroupId());
      if (group.isEmpty()) {
        return DeleteControl.defaultDelete(); // never created, or already gone
      }
      SecurityGroupInfo g = group.get();
      if (spec.getDeletionPolicy() == DeletionPolicy.RETAIN) {
        op.keeper().release(region, g);
        op.events()
            .normal(sg, "Retained", g.groupId() + " is left in EC2 (deletionPolicy: Retain)");
        return DeleteControl.defaultDelete();
      }
      Optional<String> blocked = op.deleter().delete(region, g);
      if (blocked.isPresent()) {
        SecurityGroupStatusDraft draft = new SecurityGroupStatusDraft(sg, op);
        if (draft.announce(ConditionTypes.READY, false, "DeletionBlocked", blocked.get())) {
          op.patchStatus(sg, draft.status);
        }
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(op.deleteRetry().toMillis());
      }
      op.inventory().remove(region, g.groupId());
      op.triggers().groupChanged(meta.getNamespace(), meta.getName(), region);
      op.metrics().gone(sg);
      return DeleteControl.defaultDelete();
    } catch (CloudException e) {
      if (e.retryable()) {
        throw e;
      }
      op.events().warning(sg, e.code(), "Deleting the group failed: " + e.getMessage());
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(op.deleteRetry().toMillis());
    }
  }
}
