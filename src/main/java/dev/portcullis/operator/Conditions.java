package dev.portcullis.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Sets typed conditions on a status list the way Kubernetes expects: one per type, and a {@code
 * lastTransitionTime} that moves only when the status (True/False) changes, so {@code kubectl
 * describe} shows since when a resource has been unready rather than when it was last looked at.
 */
final class Conditions {
  private Conditions() {}

  static final String TRUE = "True";
  static final String FALSE = "False";
  static final String UNKNOWN = "Unknown";

  /** Returns a new list with the condition of {@code type} set; the others are kept as they are. */
  static List<Condition> set(
      List<Condition> current,
      String type,
      boolean status,
      String reason,
      String message,
      long generation,
      Clock clock) {
    return set(current, type, status ? TRUE : FALSE, reason, message, generation, clock);
  }

  /** As above, with the status as Kubernetes writes it: True, False or Unknown. */
  static List<Condition> set(
      List<Condition> current,
      String type,
      String value,
      String reason,
      String message,
      long generation,
      Clock clock) {
    List<Condition> out = new ArrayList<>();
    Condition old = null;
    if (current != null) {
      for (Condition c : current) {
        if (type.equals(c.getType())) {
          old = c;
        } else {
          out.add(c);
        }
      }
    }
    String since =
        old != null && value.equals(old.getStatus()) && old.getLastTransitionTime() != null
            ? old.getLastTransitionTime()
            : Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    out.add(
        new ConditionBuilder()
            .withType(type)
            .withStatus(value)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(since)
            .build());
    out.sort((a, b) -> a.getType().compareTo(b.getType()));
    return out;
  }

  /** The list without the condition of {@code type}. */
  static List<Condition> remove(List<Condition> current, String type) {
    if (current == null) {
      return null;
    }
    List<Condition> out = new ArrayList<>(current);
    out.removeIf(c -> type.equals(c.getType()));
    return out;
  }

  static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  /** Whether the condition of {@code type} has this reason now (so an event was already sent). */
  static boolean hasReason(List<Condition> conditions, String type, String reason) {
    Condition c = find(conditions, type);
    return c != null && Objects.equals(reason, c.getReason());
  }
}
