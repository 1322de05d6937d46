package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.DriftSummary;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupStatus;
import dev.portcullis.cloud.CallCounters;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An estate of SecurityGroups as the operator's meters see it after a resync, for measuring what
 * /metrics costs: every group in the informer's cache with its conditions and its drift reported to
 * {@link OperatorMetrics} as the status writer reports them. One group in {@value #DRIFTING} drifts
 * (Report: rules missing and unexpected), one in {@value #INVALID} has an invalid spec; the groups
 * spread over {@value #NAMESPACES} namespaces.
 */
public final class MetricsEstate {
  static final int DRIFTING = 20;
  static final int INVALID = 50;
  static final int NAMESPACES = 10;
  static final String REGION = "eu-west-1";

  private MetricsEstate() {}

  /** Registers the meters of {@code groups} SecurityGroups, and of {@code calls}, in registry. */
  public static void fill(
      MeterRegistry registry, boolean perResource, int groups, CallCounters calls) {
    OperatorMetrics metrics = new OperatorMetrics(registry, perResource);
    MapCache<SecurityGroup> cache = new MapCache<>();
    metrics.watch("SecurityGroup", cache);
    metrics.ec2(calls);
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < groups; i++) {
      SecurityGroup sg = new SecurityGroup();
      sg.getMetadata().setNamespace("team-" + (i % NAMESPACES));
      sg.getMetadata().setName("group-" + i);
      sg.getMetadata().setUid(UUID.nameUUIDFromBytes(("group-" + i).getBytes()).toString());
      boolean drifting = i % DRIFTING == 1;
      boolean invalid = i % INVALID == 2;
      SecurityGroupStatus status = new SecurityGroupStatus();
      status.setConditions(
          List.of(
              condition("Ready", invalid ? "False" : "True", invalid ? "InvalidSpec" : "Ready"),
              condition("Synced", invalid ? "False" : "True", invalid ? "InvalidSpec" : "Synced"),
              condition(
                  "Drifted", drifting ? "True" : "False", drifting ? "DriftDetected" : "InSync")));
      DriftSummary drift = drifting ? new DriftSummary(1, 2, List.of()) : null;
      status.setDrift(drift);
      sg.setStatus(status);
      cache.put(sg);
      metrics.status(sg, status);
      metrics.drift(sg, REGION, drift);
      if (drifting) {
        metrics.driftFound("Report", OperatorMetrics.DriftOutcome.REPORTED);
        metrics.driftSeen(sg, REGION, now);
      }
    }
  }

  private static Condition condition(String type, String status, String reason) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage("")
        .build();
  }
}
