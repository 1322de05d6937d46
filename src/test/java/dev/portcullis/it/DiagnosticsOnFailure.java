package dev.portcullis.it;

import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * When a test fails, prints what the cluster holds in the namespaces created (with {@link
 * TestCluster#newNamespace}) by its test class: for every Portcullis custom resource, its status as
 * YAML and its events, oldest first. It runs before {@code @AfterEach} methods, so it sees the
 * resources before any clean-up.
 *
 * <pre>{@code
 * @ExtendWith(DiagnosticsOnFailure.class)
 * class SecurityGroupReconcilerIT { ... }
 * }</pre>
 */
public final class DiagnosticsOnFailure
    implements BeforeAllCallback, BeforeEachCallback, AfterTestExecutionCallback {
  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(DiagnosticsOnFailure.class);
  private static final String MARK = "first-namespace";

  /** The Portcullis kinds, as apiVersion and kind. */
  static final List<Class<? extends HasMetadata>> KINDS =
      List.of(SecurityGroup.class, SecurityGroupAttachment.class, ReachabilityCheck.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(STORE).put(MARK, TestCluster.shared().namespaces().size());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    // Registered on the class, beforeAll set the mark; registered on an instance field, it did not.
    if (context.getStore(STORE).get(MARK) == null) {
      context.getStore(STORE).put(MARK, TestCluster.shared().namespaces().size());
    }
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    if (context.getExecutionException().isEmpty()) {
      return;
    }
    Integer mark = context.getStore(STORE).get(MARK, Integer.class);
    List<String> all = TestCluster.shared().namespaces();
    List<String> namespaces =
        all.subList(mark == null ? 0 : Math.min(mark, all.size()), all.size());
    print(
        TestCluster.shared().client(),
        context.getRequiredTestClass().getSimpleName() + " > " + context.getDisplayName(),
        namespaces,
        System.out);
  }

  /** Prints the status and events of every Portcullis resource in {@code namespaces}. */
  static void print(
      KubernetesClient client, String test, List<String> namespaces, PrintStream out) {
    StringBuilder text = new StringBuilder();
    text.append("---- portcullis-it: ")
        .append(test)
        .append(" failed; Portcullis resources in ")
        .append(namespaces.isEmpty() ? "(no namespaces created)" : String.join(", ", namespaces))
        .append('\n');
    for (String ns : namespaces) {
      try {
        describeNamespace(client, ns, text);
      } catch (KubernetesClientException e) {
        text.append("  (could not read namespace ").append(ns).append(": ");
        text.append(e.getMessage()).append(")\n");
      }
    }
    text.append("---- end of ").append(test).append('\n');
    out.print(text);
    out.flush();
  }

  private static void describeNamespace(KubernetesClient client, String ns, StringBuilder text) {
    List<Event> events = client.v1().events().inNamespace(ns).list().getItems();
    for (Class<? extends HasMetadata> type : KINDS) {
      String kind = HasMetadata.getKind(type);
      List<GenericKubernetesResource> items =
          client
              .genericKubernetesResources(HasMetadata.getApiVersion(type), kind)
              .inNamespace(ns)
              .list()
              .getItems();
      for (GenericKubernetesResource r : items) {
        String name = r.getMetadata().getName();
        text.append("== ").append(kind).append(' ').append(ns).append('/').append(name);
        text.append(" (generation ").append(r.getMetadata().getGeneration()).append(")\n");
        Object status = r.getAdditionalProperties().get("status");
        Map<String, Object> wrapped = new LinkedHashMap<>();
        wrapped.put("status", status);
        text.append(
            status == null
                ? "status: (none)\n"
                : client.getKubernetesSerialization().asYaml(wrapped).replaceFirst("^---\n", ""));
        List<Event> own =
            events.stream()
                .filter(e -> e.getInvolvedObject() != null)
                .filter(e -> kind.equals(e.getInvolvedObject().getKind()))
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .sorted(Comparator.comparing(DiagnosticsOnFailure::when))
                .toList();
        text.append(own.isEmpty() ? "events: (none)\n" : "events:\n");
        for (Event e : own) {
          text.append("  ")
              .append(when(e))
              .append(' ')
              .append(e.getType())
              .append(' ')
              .append(e.getReason())
              .append(e.getCount() != null && e.getCount() > 1 ? " (x" + e.getCount() + ")" : "")
              .append(": ")
              .append(e.getMessage())
              .append('\n');
        }
      }
    }
  }

  private static String when(Event e) {
    String t =
        Objects.requireNonNullElse(
            e.getLastTimestamp(),
            Objects.requireNonNullElse(
                e.getEventTime() == null ? null : e.getEventTime().getTime(),
                Objects.requireNonNullElse(e.getFirstTimestamp(), "")));
    return t;
  }
}
