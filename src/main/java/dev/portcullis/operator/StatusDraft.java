package dev.portcullis.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.api.v1alpha1.ConditionTypes;
import dev.portcullis.api.v1alpha1.ConditionedStatus;
import dev.portcullis.cloud.CloudException;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The status one reconciliation builds, for every resource kind: a copy of the status as read, on
 * which conditions are set (with an event when one is news), written back only when it differs.
 *
 * <p>The copy and the comparison go through the status's JSON form, the form the API server stores,
 * so a field added to a status class is copied and compared without being listed anywhere.
 */
class StatusDraft<S extends ConditionedStatus, R extends CustomResource<?, S>> {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  final R resource;
  final OperatorContext op;
  final long generation;

  /** The status as read (an empty one when the resource has none yet). */
  final S before;

  /** The status being built, a deep copy of {@link #before} to begin with. */
  final S status;

  /** When set, the resource is reconciled again after this long. */
  private Duration recheckIn;

  /** Set by {@link #looked}: writes the time of this look into the status. */
  private Consumer<String> stamp;

  /** When the status says the resource was last looked at, or null. */
  private String lastLooked;

  StatusDraft(R resource, Supplier<S> empty, OperatorContext op) {
    this.resource = resource;
    this.op = op;
    this.generation = Optional.ofNullable(resource.getMetadata().getGeneration()).orElse(0L);
    this.before = resource.getStatus() == null ? empty.get() : resource.getStatus();
    this.status = JSON.clone(before);
  }

  /** The status now describes this generation of the spec. */
  void observe() {
    status.setObservedGeneration(generation);
  }

  Condition condition(String type) {
    return Conditions.find(status.getConditions(), type);
  }

  /** Sets a condition without an event. */
  void condition(String type, boolean value, String reason, String message) {
    status.setConditions(
        Conditions.set(
            status.getConditions(), type, value, reason, message, generation, op.clock()));
  }

  /** Sets a condition to Unknown (not decided yet), without an event. */
  void unknown(String type, String reason, String message) {
    status.setConditions(
        Conditions.set(
            status.getConditions(),
            type,
            Conditions.UNKNOWN,
            reason,
            message,
            generation,
            op.clock()));
  }

  /**
   * Sets a condition, and says it in an event when it is news: its reason changed, or, while it is
   * False, its message did. A True condition is a Normal event, a False one a Warning.
   *
   * @return whether it was news
   */
  boolean announce(String type, boolean value, String reason, String message) {
    Condition old = condition(type);
    boolean news =
        old == null
            || !Objects.equals(reason, old.getReason())
            || !Objects.equals(value ? Conditions.TRUE : Conditions.FALSE, old.getStatus())
            || (!value && !Objects.equals(message, old.getMessage()));
    condition(type, value, reason, message);
    if (news && value) {
      op.events().normal(resource, reason, message);
    } else if (news) {
      op.events().warning(resource, reason, message);
    }
    return news;
  }

  /**
   * The last reconciliation failed for a passing reason (throttling, a fault) and is retried with
   * backoff: Synced says so; Ready keeps what the last completed reconciliation found.
   */
  void retrying(Exception e) {
    // EC2's errors say their code first; anything else is named by its class
    String what =
        e instanceof CloudException
            ? e.getMessage()
            : e.getClass().getSimpleName() + ": " + e.getMessage();
    condition(
        ConditionTypes.SYNCED,
        false,
        e instanceof CloudException c && c.kind() == CloudException.Kind.THROTTLED
            ? "Throttled"
            : "Retrying",
        "The last attempt failed: " + what + "; retrying with backoff");
  }

  /**
   * This reconciliation looked at the resource as a whole (compared EC2 with the spec, evaluated
   * the flow): the time goes into the status through {@code stamp}, when the status is written
   * anyway, or when the time it holds ({@code last}) is half a resync interval old. So the time
   * moves at every resync, and the reconciliations in between write nothing for it.
   */
  void looked(Consumer<String> stamp, String last) {
    this.stamp = stamp;
    this.lastLooked = last;
  }

  /** The clock's time, to the second, as a status writes it (RFC 3339). */
  String now() {
    return Instant.now(op.clock()).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private boolean lookIsDue() {
    if (lastLooked == null) {
      return true;
    }
    try {
      Instant last = Instant.parse(lastLooked);
      return !last.plus(op.resync().dividedBy(2)).isAfter(Instant.now(op.clock()));
    } catch (DateTimeParseException e) {
      return true; // written by hand: replace it
    }
  }

  void recheckIn(Duration delay) {
    recheckIn = delay;
  }

  /** Whether the status built differs from the one read. */
  boolean changed() {
    return !JSON.convertValue(status, JsonNode.class)
        .equals(JSON.convertValue(before, JsonNode.class));
  }

  /** Patches the status when it changed, and asks to be reconciled again when a recheck is due. */
  UpdateControl<R> control() {
    if (stamp != null && (changed() || lookIsDue())) {
      stamp.accept(now());
    }
    op.metrics().status(resource, status);
    UpdateControl<R> control;
    if (changed()) {
      resource.setStatus(status);
      control = UpdateControl.patchStatus(statusOnly());
    } else {
      control = UpdateControl.noUpdate();
    }
    return recheckIn == null ? control : control.rescheduleAfter(recheckIn);
  }

  /** The same after a failed reconciliation. */
  ErrorStatusUpdateControl<R> errorControl() {
    op.metrics().status(resource, status);
    if (!changed()) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    resource.setStatus(status);
    return ErrorStatusUpdateControl.patchStatus(statusOnly());
  }

  /**
   * What the status patch sends: the resource's name and namespace, and the status. JOSDK writes
   * status with server-side apply, which makes the operator own every field it sends; sent whole,
   * the resource would make it own each label and annotation too, and a user's own server-side
   * apply that changes one (moving a resource to another shard, say) would conflict with it.
   */
  private R statusOnly() {
    R patch;
    try {
      @SuppressWarnings("unchecked")
      Class<R> type = (Class<R>) resource.getClass();
      patch = type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make a " + resource.getKind() + " to patch", e);
    }
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(resource.getMetadata().getName())
            .withNamespace(resource.getMetadata().getNamespace())
            .build());
    patch.setStatus(status);
    return patch;
  }
}
