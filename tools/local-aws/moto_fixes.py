"""Corrections to moto 5.2.5 behaviour that this project's stack trips over, applied in the server.

Each one is small, written here (not copied from moto), and names the moto behaviour it corrects.

* Conditional policy statements. moto evaluates S3 bucket policies statement by statement
  (``IAMPolicyStatement`` in moto/iam/access_control.py), but its conditions
  (moto/iam/policy_conditions.py) know only ``StringEquals`` and count any other operator, and any
  key the request has no value for, as met. moto gives S3 requests no context values, so every
  conditional statement applied unconditionally: the site bucket's ``Deny s3:* when
  aws:SecureTransport is false`` denied every request, even HeadObject by the bucket's owner, and
  Terraform could not refresh an ``aws_s3_object`` once the policy was in place. In IAM a condition
  on a key the request does not carry does not match (except the ``...IfExists`` and ``Null``
  operators), so the statement does not apply. With the correction such a statement is NEUTRAL.
  Consequence, said in the README: locally a bucket policy is stored and returned, and its
  conditional statements are not enforced.

* Resetting the API Gateway account's CloudWatch role. The provider (6.x) deletes an
  ``aws_api_gateway_account`` with UpdateAccount ``replace /cloudwatchRoleArn`` and no value, which
  AWS takes as "no role". moto's ``Account.apply_patch_operations`` (moto/apigateway/models.py)
  reads ``op["value"]`` and fails with a 500 when there is none, so ``terraform destroy`` failed.
  With the correction a missing value clears the role.
"""

from __future__ import annotations

from typing import Any, Callable


def _has_unmatched_keys(statement: dict[str, Any], values: dict[str, str] | None) -> bool:
    conditions = statement.get("Condition")
    if not isinstance(conditions, dict):
        return False
    for operator, keys in conditions.items():
        if operator.endswith("IfExists") or operator == "Null" or not isinstance(keys, dict):
            continue
        if any(not values or key not in values for key in keys):
            return True
    return False


def apply(log: Callable[[str], None]) -> list[str]:
    """Applies every correction; returns the names of those applied (a missing target is logged)."""
    applied = []
    try:
        from moto.iam import access_control

        statement_class = access_control.IAMPolicyStatement
        original = statement_class.is_action_permitted
        neutral = access_control.PermissionResult.NEUTRAL

        def is_action_permitted(self, action, resource="*", principal=None, incoming_condition_values=None):  # type: ignore[no-untyped-def]
            if _has_unmatched_keys(self._statement, incoming_condition_values):
                return neutral
            return original(self, action, resource, principal, incoming_condition_values)

        statement_class.is_action_permitted = is_action_permitted
        applied.append("conditional-policy-statements")
    except (ImportError, AttributeError) as err:  # pragma: no cover - depends on moto's internals
        log(f"local-aws: moto fix 'conditional-policy-statements' not applied ({err!r})")
    try:
        from moto.apigateway import models as apigateway_models

        account_class = apigateway_models.Account
        original_patch = account_class.apply_patch_operations

        def apply_patch_operations(self, patch_operations):  # type: ignore[no-untyped-def]
            completed = [
                {**op, "value": None} if "/cloudwatchRoleArn" in op.get("path", "") and "value" not in op else op
                for op in patch_operations
            ]
            return original_patch(self, completed)

        account_class.apply_patch_operations = apply_patch_operations
        applied.append("api-gateway-account-reset")
    except (ImportError, AttributeError) as err:  # pragma: no cover - depends on moto's internals
        log(f"local-aws: moto fix 'api-gateway-account-reset' not applied ({err!r})")
    return applied
