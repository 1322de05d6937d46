package dev.portcullis.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.api.v1alpha1.AttachedInstance;
import dev.portcullis.api.v1alpha1.ConditionTypes;
import dev.portcullis.api.v1alpha1.ConditionedStatus;
import dev.portcullis.api.v1alpha1.DecidingRule;
import dev.portcullis.api.v1alpha1.DenialSummary;
import dev.portcullis.api.v1alpha1.DeniedFlow;
import dev.portcullis.api.v1alpha1.DriftSummary;
import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.ReachabilityCheckStatus;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachmentStatus;
import dev.portcullis.api.v1alpha1.SecurityGroupStatus;
import dev.portcullis.cloud.CloudException;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The one status writer every reconciler uses: copy, compare, conditions and their events. */
class StatusDraftTest {
  final ReconcilerWorld world = new ReconcilerWorld();
  final List<Event> events = world.events;
  final OperatorContext op = world.op;

  static <S extends ConditionedStatus, R extends CustomResource<?, S>> R resource(
      Supplier<R> make, S status) {
    R r = make.get();
    r.setMetadata(
        new ObjectMetaBuilder().withName("web").withNamespace("shop").withGeneration(2L).build());
    r.setStatus(status);
    return r;
  }

  /** Two different values of a status field's type. */
  static Object sample(Type type, int which) {
    String w = which == 0 ? "a" : "b";
    if (type instanceof ParameterizedType p) {
      Type raw = p.getRawType();
      if (raw == List.class) {
        return List.of(sample(p.getActualTypeArguments()[0], which));
      }
      if (raw == Map.class) {
        return Map.of("k", w);
      }
    }
    if (type == String.class) {
      return w;
    }
    if (type == Long.class) {
      return (long) which + 1;
    }
    if (type == Integer.class) {
      return which + 1;
    }
    if (type == Condition.class) {
      return new ConditionBuilder().withType("Ready").withStatus("True").withReason(w).build();
    }
    if (type == AttachedInstance.class) {
      return new AttachedInstance("i-" + w, "eni-" + w, List.of("sg-" + w));
    }
    if (type == DriftSummary.class) {
      return new DriftSummary(which, 0, List.of(w));
    }
    if (type == DenialSummary.class) {
      return new DenialSummary(
          w, w, (long) which, List.of(new DeniedFlow(1L, "ingress", "tcp", 22, w, "x")));
    }
    if (type == DecidingRule.class) {
      return new DecidingRule("sg-" + w, w, w);
    }
    if (type instanceof Class<?> c && c.isEnum()) {
      return c.getEnumConstants()[which];
    }
    throw new AssertionError("no sample for " + type + ": add one so the field is covered");
  }

  /**
   * Every field of a status, listed nowhere in the writer: copied (a draft of a status that has it
   * is unchanged) and compared (changing it in the draft is a change to write).
   */
  <S extends ConditionedStatus, R extends CustomResource<?, S>> void everyFieldIsCopiedAndCompared(
      Supplier<R> make, Supplier<S> empty) throws Exception {
    Class<?> type = empty.get().getClass();
    int fields = 0;
    for (Field f : type.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      fields++;
      f.setAccessible(true);
      S status = empty.get();
      f.set(status, sample(f.getGenericType(), 0));
      StatusDraft<S, R> draft = new StatusDraft<>(resource(make, status), empty, op);
      assertThat(draft.changed()).as("%s.%s copied", type.getSimpleName(), f.getName()).isFalse();
      assertThat(f.get(draft.status)).isEqualTo(f.get(status));
      if (f.get(status) instanceof List || f.get(status) instanceof Map) {
        assertThat(f.get(draft.status)).as("a deep copy").isNotSameAs(f.get(status));
      }

      f.set(draft.status, sample(f.getGenericType(), 1));
      assertThat(draft.changed()).as("%s.%s compared", type.getSimpleName(), f.getName()).isTrue();
      assertThat(draft.control().isPatchStatus()).isTrue();
      assertThat(f.get(status))
          .as("the status read is left alone")
          .isEqualTo(sample(f.getGenericType(), 0));
    }
    assertThat(fields).isGreaterThan(2);
  }

  @Test
  void securityGroupStatus() throws Exception {
    everyFieldIsCopiedAndCompared(SecurityGroup::new, SecurityGroupStatus::new);
  }

  @Test
  void attachmentStatus() throws Exception {
    everyFieldIsCopiedAndCompared(SecurityGroupAttachment::new, SecurityGroupAttachmentStatus::new);
  }

  @Test
  void reachabilityCheckStatus() throws Exception {
    everyFieldIsCopiedAndCompared(ReachabilityCheck::new, ReachabilityCheckStatus::new);
  }

  @Test
  void anUnchangedStatusIsNotWrittenAndARecheckIsKept() {
    StatusDraft<SecurityGroupStatus, SecurityGroup> draft =
        new StatusDraft<>(resource(SecurityGroup::new, null), SecurityGroupStatus::new, op);
    draft.recheckIn(Duration.ofSeconds(7));
    assertThat(draft.control().isPatchStatus()).isFalse();
    assertThat(draft.control().getScheduleDelay()).contains(7_000L);
    assertThat(draft.errorControl().getResource()).isEmpty();
  }

  StatusDraft<SecurityGroupStatus, SecurityGroup> after(
      StatusDraft<SecurityGroupStatus, SecurityGroup> previous) {
    return new StatusDraft<>(
        resource(SecurityGroup::new, previous.status), SecurityGroupStatus::new, op);
  }

  @Test
  void aStatusPatchSendsTheStatusAloneSoThatTheOperatorOwnsNoLabel() {
    SecurityGroup sg = resource(SecurityGroup::new, null);
    sg.getMetadata().setLabels(Map.of(Shard.LABEL, "a"));
    sg.getMetadata().setAnnotations(Map.of("team", "web"));
    sg.setSpec(new dev.portcullis.api.v1alpha1.SecurityGroupSpec());
    var d = new StatusDraft<>(sg, SecurityGroupStatus::new, op);
    d.condition(ConditionTypes.READY, true, "Ready", "fine");
    for (SecurityGroup sent :
        List.of(
            d.control().getResource().orElseThrow(),
            d.errorControl().getResource().orElseThrow())) {
      assertThat(sent.getMetadata().getName()).isEqualTo("web");
      assertThat(sent.getMetadata().getNamespace()).isEqualTo("shop");
      assertThat(sent.getMetadata().getLabels()).isNullOrEmpty();
      assertThat(sent.getMetadata().getAnnotations()).isNullOrEmpty();
      assertThat(sent.getSpec()).isNull();
      assertThat(sent.getStatus().getConditions()).hasSize(1);
    }
  }

  @Test
  void anEventOnlyWhenAConditionIsNews() {
    var d = new StatusDraft<>(resource(SecurityGroup::new, null), SecurityGroupStatus::new, op);
    assertThat(d.announce(ConditionTypes.READY, false, "Refused", "no")).isTrue();
    assertThat(events).extracting(Event::getType).containsExactly("Warning");

    d = after(d);
    assertThat(d.announce(ConditionTypes.READY, false, "Refused", "no")).isFalse();
    assertThat(d.changed()).isFalse();
    assertThat(events).hasSize(1);

    d = after(d);
    assertThat(d.announce(ConditionTypes.READY, false, "Refused", "no, another reason")).isTrue();
    assertThat(events).hasSize(2);

    d = after(d);
    assertThat(d.announce(ConditionTypes.READY, true, "Attached", "yes (1)")).isTrue();
    assertThat(events).extracting(Event::getType).containsExactly("Warning", "Warning", "Normal");
    assertThat(events.get(2).getReason()).isEqualTo("Attached");

    d = after(d);
    assertThat(d.announce(ConditionTypes.READY, true, "Attached", "yes (2)"))
        .as("a True condition whose message moves is no news")
        .isFalse();
    assertThat(events).hasSize(3);
  }

  @Test
  void retryingSaysSoInSyncedAndKeepsReady() {
    var d = new StatusDraft<>(resource(SecurityGroup::new, null), SecurityGroupStatus::new, op);
    d.condition(ConditionTypes.READY, true, "Ready", "fine");
    d = after(d);
    d.retrying(
        new CloudException("RequestLimitExceeded", CloudException.Kind.THROTTLED, "slow down"));
    assertThat(d.condition(ConditionTypes.SYNCED).getReason()).isEqualTo("Throttled");
    assertThat(d.condition(ConditionTypes.SYNCED).getMessage())
        .isEqualTo(
            "The last attempt failed: RequestLimitExceeded: slow down; retrying with backoff");
    assertThat(d.condition(ConditionTypes.READY).getReason()).isEqualTo("Ready");
    assertThat(d.errorControl().getResource()).isPresent();
  }
}
