package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.ConditionTypes;
import dev.portcullis.api.v1alpha1.ConditionedStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;
import java.util.Set;

/**
 * Whether a SecurityGroup or an attachment is still on its way: not reconciled for its generation
 * yet, or waiting for something that is expected to come (a referenced group, its turn to create,
 * the groups it attaches). A resource that EC2 or the operator refused, or that reports drift, has
 * arrived where it stays until somebody acts: it is not converging.
 */
final class Convergence {
  private Convergence() {}

  /** The reasons of a Ready=False that only says "not yet". */
  static final Set<String> WAITING =
      Set.of(
          SecurityGroupStatusDraft.REFERENCE_NOT_FOUND,
          SecurityGroupStatusDraft.QUEUED,
          AttachmentReconciler.GROUP_NOT_READY);

  static boolean converging(HasMetadata resource, ConditionedStatus status) {
    if (status == null
        || !Objects.equals(
            status.getObservedGeneration(), resource.getMetadata().getGeneration())) {
      return true;
    }
    Condition ready = Conditions.find(status.getConditions(), ConditionTypes.READY);
    return ready == null
        || (Conditions.FALSE.equals(ready.getStatus()) && WAITING.contains(ready.getReason()));
  }
}
