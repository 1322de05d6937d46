package dev.portcullis.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationTest {

  @Test
  void groupNameStartingWithSgIsRefused() {
    assertThat(Validation.groupName("spec.groupName", "sg-web"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("spec.groupName");
              assertThat(p.message()).contains("starts with \"sg-\"");
            });
    assertThat(Validation.groupName("spec.groupName", "SG-web")).hasSize(1);
  }

  @Test
  void groupNamedDefaultIsRefused() {
    assertThat(Validation.groupName("spec.groupName", "default"))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("default group"));
    assertThat(Validation.groupName("spec.groupName", "Default"))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("ignores case"));
    assertThat(Validation.groupName("spec.groupName", "defaults")).isEmpty();
  }

  @Test
  void groupDescriptionIsRequired() {
    assertThat(Validation.groupDescription("spec.description", ""))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("EC2 requires a group description"));
    assertThat(Validation.groupDescription("spec.description", null)).hasSize(1);
    assertThat(Validation.groupDescription("spec.description", "Web tier")).isEmpty();
  }

  @Test
  void groupNameCharactersAndLength() {
    assertThat(Validation.groupName("n", "shop web (prod) #1")).isEmpty();
    assertThat(Validation.groupName("n", "shop|web"))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("(|)"));
    assertThat(Validation.groupName("n", "a".repeat(256)))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("256 characters"));
    assertThat(Validation.groupName("n", "")).hasSize(1);
  }

  @Test
  void groupsPerInterfaceQuota() {
    assertThat(Validation.groupsPerInterface("spec.securityGroups", 5, Quotas.DEFAULT)).isEmpty();
    List<Problem> six = Validation.groupsPerInterface("spec.securityGroups", 6, Quotas.DEFAULT);
    assertThat(six)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("spec.securityGroups");
              assertThat(p.message()).contains("6 security groups").contains("quota of 5");
            });
    assertThat(Validation.groupsPerInterface("g", 16, new Quotas(60, 16))).isEmpty();
    assertThat(Validation.groupsPerInterface("g", 0, Quotas.DEFAULT)).hasSize(1);
  }

  @Test
  void quotaValuesAreCheckedAgainstEc2Ceilings() {
    assertThat(Quotas.DEFAULT.validate()).isEmpty();
    assertThat(new Quotas(60, 16).validate()).isEmpty(); // 960
    assertThat(new Quotas(200, 5).validate()).isEmpty(); // 1,000 exactly
    assertThat(new Quotas(100, 16).validate())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("is 1600, above EC2's limit of 1000"));
    assertThat(new Quotas(60, 17).validate())
        .anySatisfy(p -> assertThat(p.message()).contains("17 is outside 1..16"));
  }
}
