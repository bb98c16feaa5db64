import type { AssetInput, AttributeInput, MeasurementInput, ViewInput } from './providerValidation';

/**
 * What a walk over a provider document's served tree does at each level; each call gets
 * its parent's id as the visitor gave it (`Id` may stand for "not created yet").
 */
export interface TreeVisitor<Id> {
  view(view: ViewInput, parentId: Id | null): Id;
  asset(asset: AssetInput, viewId: Id): Id;
  attribute(attribute: AttributeInput, assetId: Id): Id;
  measurement(measurement: MeasurementInput, attributeId: Id): void;
}

/** Visits views, their dependencies (depth first), assets, attributes and measurements. */
export function walkTree<Id>(
  views: readonly ViewInput[],
  visitor: TreeVisitor<Id>,
  parentId: Id | null = null,
): void {
  for (const view of views) {
    const viewId = visitor.view(view, parentId);
    walkTree(view.dependencies, visitor, viewId);
    for (const asset of view.assets) {
      const assetId = visitor.asset(asset, viewId);
      for (const attribute of asset.attributes) {
        const attributeId = visitor.attribute(attribute, assetId);
        for (const measurement of attribute.measurements)
          visitor.measurement(measurement, attributeId);
      }
    }
  }
}

/** Every measurement of the tree, in walk order. */
export function measurementsOf(views: readonly ViewInput[]): MeasurementInput[] {
  const all: MeasurementInput[] = [];
  walkTree<null>(views, {
    view: () => null,
    asset: () => null,
    attribute: () => null,
    measurement: (m) => all.push(m),
  });
  return all;
}
