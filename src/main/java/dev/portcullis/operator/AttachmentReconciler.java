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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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

  /** The reason of Ready while a group to attach has no EC2 group yet. */
  static final String GROUP_NOT_READY = "GroupNotReady";

  private final OperatorContext op;

  public AttachmentReconciler(OperatorContext op) {
    this.op = op;
  }

  @Override
  public List<EventSource<?, SecurityGroupAttachment>> prepareEventSources(
      EventSourceContext<SecurityGroupAttachment> context) {
    return op.triggers().attachments(context);
  }

  /** The reason of Ready when a group to attach is one of another shard ({@link Shard}). */
  static final String OUTSIDE_SHARD = "GroupOutsideShard";

  /**
   * The groups wanted, the SecurityGroups that keep the attachment waiting, and why one of another
   * shard cannot be attached (null when none is).
   */
  private record Wanted(AttachmentSync.Wanted groups, List<String> waiting, String outside) {}

  private Wanted wanted(SecurityGroupAttachment a) {
    SecurityGroupAttachmentSpec spec = a.getSpec();
    String ns = a.getMetadata().getNamespace();
    List<String> ids = new ArrayList<>();
    Map<String, String> vpcOf = new HashMap<>();
    List<String> waiting = new ArrayList<>();
    for (String name :
        spec.getSecurityGroups() == null ? List.<String>of() : spec.getSecurityGroups()) {
      Optional<SecurityGroup> sg = op.triggers().securityGroup(ns, name);
      Optional<String> outside =
          sg.isPresent()
              ? Optional.empty()
              : op.shard().outside("SecurityGroupAttachment", ns, name);
      if (outside.isPresent()) {
        return new Wanted(null, List.of(), outside.get());
      }
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
    return new Wanted(new AttachmentSync.Wanted(ids, vpcOf), waiting, null);
  }

  @Override
  public UpdateControl<SecurityGroupAttachment> reconcile(
      SecurityGroupAttachment a, Context<SecurityGroupAttachment> context) {
    Draft draft = new Draft(a, op);
    draft.observe();
    try {
      attach(a, draft);
    } catch (CloudException e) {
      if (e.retryable()) {
        throw e;
      }
      draft.ready(false, e.code(), "EC2 refused: " + e.getMessage(), false);
    }
    return draft.control();
  }

  private void attach(SecurityGroupAttachment a, Draft draft) {
    SecurityGroupAttachmentSpec spec = a.getSpec();
    String region = spec.getRegion();
    List<Problem> quota =
        Validation.groupsPerInterface(
            "spec.securityGroups",
            spec.getSecurityGroups().size()
                + (spec.getSecurityGroupIds() == null ? 0 : spec.getSecurityGroupIds().size()),
            op.cloud().quotas());
    if (!quota.isEmpty()) {
      draft.ready(false, "TooManyGroups", quota.get(0) + "; nothing was changed", false);
      return;
    }
    Wanted wanted = wanted(a);
    if (wanted.outside() != null) {
      draft.ready(false, OUTSIDE_SHARD, wanted.outside() + "; nothing was changed", false);
      return;
    }
    if (!wanted.waiting().isEmpty()) {
      draft.ready(
          false,
          GROUP_NOT_READY,
          "Waiting for SecurityGroup "
              + String.join(", ", wanted.waiting())
              + "; nothing is attached until every group exists",
          false);
      return;
    }
    SecurityGroupAttachmentStatus status = draft.status;
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
    if (status.getAttachedInstances() != null) {
      for (AttachedInstance old : status.getAttachedInstances()) {
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
      draft.ready(false, "Refused", String.join("; ", refusals), false);
    } else if (selected.instances().isEmpty()) {
      draft.ready(
          false, "NoInstances", "No instance in " + region + " matches spec.instances", true);
    } else {
      draft.ready(
          true,
          "Attached",
          "Every selected instance carries the groups ("
              + outcome.attached().size()
              + " instances)",
          true);
    }
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
    Draft draft = new Draft(a, op);
    draft.retrying(e);
    return draft.errorControl();
  }

  /** The attachment's status: Ready says whether every selected instance carries the groups. */
  private static final class Draft
      extends StatusDraft<SecurityGroupAttachmentStatus, SecurityGroupAttachment> {
    Draft(SecurityGroupAttachment a, OperatorContext op) {
      super(a, SecurityGroupAttachmentStatus::new, op);
    }

    /**
     * Sets Ready, with an event when it is news, and Synced: True when EC2 was read and written as
     * planned, else False with Ready's reason.
     */
    void ready(boolean ready, String reason, String message, boolean synced) {
      announce(ConditionTypes.READY, ready, reason, message);
      condition(
          ConditionTypes.SYNCED,
          synced,
          synced ? "Synced" : reason,
          synced ? "EC2 was read and written as planned" : message);
    }
  }
}
