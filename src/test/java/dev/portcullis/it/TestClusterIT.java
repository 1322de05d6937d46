package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The harness itself: the shared cluster serves Portcullis' kinds, and failures explain. */
@ExtendWith(DiagnosticsOnFailure.class)
class TestClusterIT {
  private final TestCluster cluster = TestCluster.shared();

  @Test
  void theSharedClusterIsStartedOnceAndServesTheCrds() {
    assertThat(TestCluster.shared()).isSameAs(cluster);
    KubernetesClient client = cluster.client();
    for (var type : DiagnosticsOnFailure.KINDS) {
      String plural = HasMetadata.getPlural(type);
      assertThat(
              client
                  .apiextensions()
                  .v1()
                  .customResourceDefinitions()
                  .withName(plural + ".ec2.portcullis.dev")
                  .get())
          .as("CRD of %s", type.getSimpleName())
          .isNotNull();
    }
    assertThat(cluster.kubeconfigYaml()).contains("server:");
  }

  /** The product rule for the local API server: nothing it starts listens beyond 127.0.0.1. */
  @Test
  void theLocalApiServerAndEtcdListenOnLoopbackOnly() throws IOException {
    assumeTrue(cluster instanceof ApiServerCluster, "only the local API server's processes");
    List<ProcessHandle> processes =
        ProcessHandle.current()
            .descendants()
            .filter(
                p ->
                    p.info()
                        .command()
                        .map(c -> c.endsWith("/etcd") || c.endsWith("/kube-apiserver"))
                        .orElse(false))
            .toList();
    assertThat(processes).as("etcd and kube-apiserver processes").hasSize(2);
    List<Integer> ports = new ArrayList<>();
    for (ProcessHandle p : processes) {
      List<String> args = List.of(p.info().arguments().orElseThrow());
      assertThat(args).as("%s", p.info().command()).noneMatch(a -> a.contains("://0.0.0.0:"));
      assertThat(args).noneMatch(a -> a.contains("://localhost:"));
      for (int i = 0; i < args.size(); i++) {
        Matcher m = Pattern.compile("://127\\.0\\.0\\.1:([0-9]+)").matcher(args.get(i));
        while (m.find()) {
          ports.add(Integer.parseInt(m.group(1)));
        }
        if (args.get(i).equals("--secure-port")) {
          ports.add(Integer.parseInt(args.get(i + 1)));
        }
      }
    }
    assertThat(ports).as("ports in the arguments").hasSizeGreaterThanOrEqualTo(3);
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nif.isUp() || nif.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nif.getInetAddresses())) {
        for (int port : ports) {
          try (Socket socket = new Socket()) {
            assertThatThrownBy(() -> socket.connect(new InetSocketAddress(address, port), 500))
                .as("%s:%d answers", address, port)
                .isInstanceOf(IOException.class);
          }
        }
      }
    }
  }

  @Test
  void namespacesAreUniqueAndRecorded() {
    String a = cluster.newNamespace("Harness Check");
    String b = cluster.newNamespace("harness-check");
    assertThat(a).startsWith("harness-check-").isNotEqualTo(b);
    assertThat(cluster.namespaces()).contains(a, b);
    assertThat(cluster.client().namespaces().withName(a).get()).isNotNull();
  }

  @Test
  void diagnosticsShowStatusAndEvents() {
    String ns = cluster.newNamespace("diagnostics");
    KubernetesClient client = cluster.client();
    GenericKubernetesResource sg =
        client
            .getKubernetesSerialization()
            .unmarshal(
                String.join(
                    "\n",
                    "apiVersion: ec2.portcullis.dev/v1alpha1",
                    "kind: SecurityGroup",
                    "metadata: {name: web}",
                    "spec: {region: eu-west-1, vpcId: vpc-0a1b2c3d, description: web}"),
                GenericKubernetesResource.class);
    sg = client.resource(sg).inNamespace(ns).create();
    sg.setAdditionalProperty(
        "status",
        Map.of("conditions", List.of(Map.of("type", "Ready", "status", "False", "reason", "X"))));
    client.resource(sg).inNamespace(ns).updateStatus();
    client
        .v1()
        .events()
        .inNamespace(ns)
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName("web.1")
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion("ec2.portcullis.dev/v1alpha1")
                .withKind("SecurityGroup")
                .withName("web")
                .withNamespace(ns)
                .endInvolvedObject()
                .withType("Warning")
                .withReason("Drifted")
                .withMessage("a rule was removed in EC2")
                .withLastTimestamp("2026-01-01T00:00:00Z")
                .build())
        .create();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DiagnosticsOnFailure.print(
        client, "a test", List.of(ns), new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("SecurityGroup " + ns + "/web")
        .contains("reason: \"X\"")
        .contains("Warning Drifted: a rule was removed in EC2");
  }
}
