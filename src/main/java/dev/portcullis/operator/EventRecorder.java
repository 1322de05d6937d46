package dev.portcullis.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes events about custom resources, so that {@code kubectl describe} tells what the
 * operator did and what it could not do. A failure to write an event is logged and never fails a
 * reconciliation.
 */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  static final String COMPONENT = "portcullis";

  private final Consumer<Event> sink;
  private final Clock clock;

  /** Writes the events to the API server. */
  public EventRecorder(KubernetesClient client, Clock clock) {
    this(
        e -> client.v1().events().inNamespace(e.getMetadata().getNamespace()).resource(e).create(),
        clock);
  }

  /** Hands the events to {@code sink}. */
  EventRecorder(Consumer<Event> sink, Clock clock) {
    this.sink = sink;
    this.clock = clock;
  }

  public void normal(HasMetadata about, String reason, String message) {
    record(about, "Normal", reason, message);
  }

  public void warning(HasMetadata about, String reason, String message) {
    record(about, "Warning", reason, message);
  }

  private void record(HasMetadata about, String type, String reason, String message) {
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    String ns = about.getMetadata().getNamespace();
    try {
      sink.accept(
          new EventBuilder()
              .withNewMetadata()
              .withName(about.getMetadata().getName() + "." + UUID.randomUUID())
              .withNamespace(ns)
              .endMetadata()
              .withInvolvedObject(
                  new ObjectReferenceBuilder()
                      .withApiVersion(about.getApiVersion())
                      .withKind(about.getKind())
                      .withName(about.getMetadata().getName())
                      .withNamespace(ns)
                      .withUid(about.getMetadata().getUid())
                      .withResourceVersion(about.getMetadata().getResourceVersion())
                      .build())
              .withType(type)
              .withReason(reason)
              .withMessage(message.length() > 1024 ? message.substring(0, 1021) + "..." : message)
              .withNewSource()
              .withComponent(COMPONENT)
              .endSource()
              .withReportingComponent(COMPONENT)
              .withFirstTimestamp(now)
              .withLastTimestamp(now)
              .withCount(1)
              .build());
    } catch (KubernetesClientException e) {
      LOG.warn(
          "could not record event {} on {}/{}: {}",
          reason,
          ns,
          about.getMetadata().getName(),
          e.getMessage());
    }
  }
}
