package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.AttachedInstance;
import dev.portcullis.api.v1alpha1.ConditionTypes;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachmentSpec;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachmentStatus;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Problem;
import dev.portcullis.engine.Validation;
import dev.portcullis.sync.AttachmentSync;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Puts the groups of a SecurityGroupAttachment on the primary network interfaces of the instances
 * it selects, keeping every group that others put there, and takes them off again when they leave
 * the spec, an instance stops matching, or the attachment is deleted. What EC2 would refuse (a
 * group of another VPC, more groups than an interface may carry) is refused per instance with a
 * condition that names it; the other instances are still attached.
 */
@ControllerConfiguration(name = AttachmentReconciler.NAME)
public final class AttachmentReconciler
    implements Reconciler<SecurityGroupAttachment>, Cleaner<SecurityGroupAttachment> {
  public static final String NAME = "securitygroupattachment";

  private final OperatorContext op;

  public AttachmentReconciler(OperatorContext op) {
    this.op = op;
  }

  @Override
  public List<EventSource<?, SecurityGroupAttachment>> prepareEventSources(
      EventSourceContext<SecurityGroupAttachment> context) {
    context
        .getPrimaryCache()
        .addIndexer(
            Triggers.ATTACHES,
            a ->
                a.getSpec() == null || a.getSpec().getSecurityGroups() == null
                    ? List.of()
                    : a.getSpec().getSecurityGroups().stream()
                        .map(n -> Triggers.key(a.getMetadata().getNamespace(), n))
                        .toList());
    SimpleInboundEventSource<SecurityGroupAttachment> wake =
        new SimpleInboundEventSource<>("attached-group-changes");
    op.triggers().registerAttachments(wake, context.getPrimaryCache());
    return List.of(wake);
  }

  /** The groups wanted, and the SecurityGroups that keep the attachment waiting. */
  private record Wanted(AttachmentSync.Wanted groups, List<String> waiting) {}

  private Wanted wanted(SecurityGroupAttachment a) {
    SecurityGroupAttachmentSpec spec = a.getSpec();
    String ns = a.getMetadata().getNamespace();
    List<String> ids = new ArrayList<>();
    Map<String, String> vpcOf = new HashMap<>();
    List<String> waiting = new ArrayList<>();
    for (String name :
        spec.getSecurityGroups() == null ? List.<String>of() : spec.getSecurityGroups()) {
      Optional<SecurityGroup> sg = op.triggers().securityGroup(ns, name);
      if (sg.isEmpty()) {
        waiting.add(name + " (no such SecurityGroup in namespace " + ns + ")");
        continue;
      }
      if (!spec.getRegion().equals(sg.get().getSpec().getRegion())) {
        waiting.add(name + " (it is in region " + sg.get().getSpec().getRegion() + ")");
        continue;
      }
      Optional<SecurityGroupInfo> g =
          op.inventory().ownedBy(spec.getRegion(), sg.get().getMetadata().getUid());
      if (g.isEmpty()) {
        waiting.add(name + " (its EC2 group does not exist yet)");
        continue;
      }
      ids.add(g.get().groupId());
      vpcOf.put(g.get().groupId(), g.get().vpcId());
    }
    if (spec.getSecurityGroupIds() != null) {
      spec.getSecurityGroupIds().stream().filter(id -> !ids.contains(id)).forEach(ids::add);
    }
    return new Wanted(new AttachmentSync.Wanted(ids, vpcOf), waiting);
  }

  @Override
  public UpdateControl<SecurityGroupAttachment> reconcile(
      SecurityGroupAttachment a, Context<SecurityGroupAttachment> context) {
    SecurityGroupAttachmentStatus before =
        a.getStatus() == null ? new SecurityGroupAttachmentStatus() : a.getStatus();
    SecurityGroupAttachmentStatus status = copy(before);
    long generation = Optional.ofNullable(a.getMetadata().getGeneration()).orElse(0L);
    status.setObservedGeneration(generation);
    SecurityGroupAttachmentSpec spec = a.getSpec();
    String region = spec.getRegion();
    try {
      List<Problem> quota =
          Validation.groupsPerInterface(
              "spec.securityGroups",
              spec.getSecurityGroups().size()
                  + (spec.getSecurityGroupIds() == null ? 0 : spec.getSecurityGroupIds().size()),
              op.cloud().quotas());
      if (!quota.isEmpty()) {
        notReady(a, status, generation, "TooManyGroups", quota.get(0) + "; nothing was changed");
        return control(a, before, status);
      }
      Wanted wanted = wanted(a);
      if (!wanted.waiting().isEmpty()) {
        notReady(
            a,
            status,
            generation,
            "GroupNotReady",
            "Waiting for SecurityGroup "
                + String.join(", ", wanted.waiting())
                + "; nothing is attached until every group exists");
        return control(a, before, status);
      }
      Set<String> previous =
          new LinkedHashSet<>(status.getGroupIds() == null ? List.of() : status.getGroupIds());
      AttachmentSync.Selection selected = op.attachments().select(region, spec.getInstances());
      AttachmentSync.Outcome outcome =
          op.attachments()
              .attach(
                  region,
                  selected.instances().values(),
                  wanted.groups(),
                  previous,
                  Boolean.TRUE.equals(spec.getKeepDefaultGroup()));
      List<String> refusals = new ArrayList<>(outcome.refusals());
      boolean changed = outcome.changed();
      // Instances attached before that the spec no longer selects: take our groups off.
      if (before.getAttachedInstances() != null) {
        for (AttachedInstance old : before.getAttachedInstances()) {
          if (!selected.instances().containsKey(old.getInstanceId())) {
            changed |= op.attachments().detach(region, old, previous, refusals);
          }
        }
      }
      status.setGroupIds(wanted.groups().ids());
      status.setAttachedInstances(outcome.attached());
      status.setInstanceCount(outcome.attached().size());
      if (changed) {
        op.triggers().regionChanged(region);
      }
      if (selected.missingMessage(region) != null) {
        refusals.add(selected.missingMessage(region));
      }
      if (!refusals.isEmpty()) {
        notReady(a, status, generation, "Refused", String.join("; ", refusals));
      } else if (selected.instances().isEmpty()) {
        notReady(
            a,
            status,
            generation,
            "NoInstances",
            "No instance in " + region + " matches spec.instances");
      } else {
        ready(
            a,
            status,
            generation,
            "Attached",
            "Every selected instance carries the groups ("
                + outcome.attached().size()
                + " instances)");
      }
    } catch (CloudException e) {
      if (e.retryable()) {
        throw e;
      }
      notReady(a, status, generation, e.code(), "EC2 refused: " + e.getMessage());
    }
    return control(a, before, status);
  }

  @Override
  public DeleteControl cleanup(
      SecurityGroupAttachment a, Context<SecurityGroupAttachment> context) {
    SecurityGroupAttachmentStatus status = a.getStatus();
    if (status == null || status.getAttachedInstances() == null || status.getGroupIds() == null) {
      return DeleteControl.defaultDelete();
    }
    String region = a.getSpec().getRegion();
    Set<String> ours = new LinkedHashSet<>(status.getGroupIds());
    List<String> refusals = new ArrayList<>();
    boolean changed = false;
    for (AttachedInstance old : status.getAttachedInstances()) {
      changed |= op.attachments().detach(region, old, ours, refusals);
    }
    if (changed) {
      op.triggers().regionChanged(region);
    }
    if (!refusals.isEmpty()) {
      op.events().warning(a, "DetachFailed", String.join("; ", refusals));
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(op.deleteRetry().toMillis());
    }
    return DeleteControl.defaultDelete();
  }

  @Override
  public ErrorStatusUpdateControl<SecurityGroupAttachment> updateErrorStatus(
      SecurityGroupAttachment a, Context<SecurityGroupAttachment> context, Exception e) {
    SecurityGroupAttachmentStatus status =
        copy(a.getStatus() == null ? new SecurityGroupAttachmentStatus() : a.getStatus());
    long generation = Optional.ofNullable(a.getMetadata().getGeneration()).orElse(0L);
    status.setConditions(
        Conditions.set(
            status.getConditions(),
            ConditionTypes.SYNCED,
            false,
            e instanceof CloudException c && c.kind() == CloudException.Kind.THROTTLED
                ? "Throttled"
                : "Retrying",
            "The last attempt failed: " + e.getMessage() + "; retrying with backoff",
            generation,
            op.clock()));
    if (Objects.equals(status, a.getStatus())) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    a.setStatus(status);
    return ErrorStatusUpdateControl.patchStatus(a);
  }

  private void notReady(
      SecurityGroupAttachment a,
      SecurityGroupAttachmentStatus status,
      long generation,
      String reason,
      String message) {
    setReady(a, status, generation, false, reason, message);
  }

  private void ready(
      SecurityGroupAttachment a,
      SecurityGroupAttachmentStatus status,
      long generation,
      String reason,
      String message) {
    setReady(a, status, generation, true, reason, message);
  }

  /** Sets Ready (and Synced), with an event when Ready's reason or message is news. */
  private void setReady(
      SecurityGroupAttachment a,
      SecurityGroupAttachmentStatus status,
      long generation,
      boolean ready,
      String reason,
      String message) {
    io.fabric8.kubernetes.api.model.Condition old =
        Conditions.find(status.getConditions(), ConditionTypes.READY);
    boolean news =
        old == null
            || !Objects.equals(reason, old.getReason())
            || (!ready && !Objects.equals(message, old.getMessage()));
    status.setConditions(
        Conditions.set(
            status.getConditions(),
            ConditionTypes.READY,
            ready,
            reason,
            message,
            generation,
            op.clock()));
    status.setConditions(
        Conditions.set(
            status.getConditions(),
            ConditionTypes.SYNCED,
            true,
            "Synced",
            "EC2 was read and written as planned",
            generation,
            op.clock()));
    if (news && ready) {
      op.events().normal(a, reason, message);
    } else if (news) {
      op.events().warning(a, reason, message);
    }
  }

  private static UpdateControl<SecurityGroupAttachment> control(
      SecurityGroupAttachment a,
      SecurityGroupAttachmentStatus before,
      SecurityGroupAttachmentStatus after) {
    if (after.equals(before)) {
      return UpdateControl.noUpdate();
    }
    a.setStatus(after);
    return UpdateControl.patchStatus(a);
  }

  private static SecurityGroupAttachmentStatus copy(SecurityGroupAttachmentStatus s) {
    SecurityGroupAttachmentStatus c = new SecurityGroupAttachmentStatus();
    c.setObservedGeneration(s.getObservedGeneration());
    c.setConditions(s.getConditions() == null ? null : new ArrayList<>(s.getConditions()));
    c.setInstanceCount(s.getInstanceCount());
    c.setAttachedInstances(s.getAttachedInstances());
    c.setGroupIds(s.getGroupIds());
    return c;
  }
}
