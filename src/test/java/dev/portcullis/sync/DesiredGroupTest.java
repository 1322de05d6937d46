package dev.portcullis.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.engine.Validation;
import org.junit.jupiter.api.Test;

class DesiredGroupTest {
  @Test
  void theDefaultNameIsNamespaceSlashName() {
    assertThat(DesiredGroup.defaultGroupName("shop", "web")).isEqualTo("shop/web");
  }

  @Test
  void theDefaultNameIsAlwaysOneEc2Accepts() {
    String sg = DesiredGroup.defaultGroupName("sg-team", "web");
    assertThat(sg).isEqualTo("k8s:sg-team/web");
    assertThat(Validation.groupName("n", sg)).isEmpty();
    assertThat(Validation.groupName("n", DesiredGroup.defaultGroupName("SG-TEAM", "web")))
        .isEmpty();

    String longName = "a".repeat(253);
    String a = DesiredGroup.defaultGroupName("n".repeat(63), longName);
    String b = DesiredGroup.defaultGroupName("n".repeat(63), longName.substring(1) + "b");
    assertThat(a).hasSize(255).isNotEqualTo(b);
    assertThat(Validation.groupName("n", a)).isEmpty();
  }
}
