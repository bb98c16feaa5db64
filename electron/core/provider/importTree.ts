import type { AssetInput, AttributeInput, MeasurementInput, ViewInput } from './providerValidation';

/**
 * What a walk over a provider document's served tree does at each level; each call gets
 * its parent's id as the visitor gave it (`Id` may stand for "not created yet").
 */
export interface TreeVisitor<Id> {
  view(view: ViewInput, parentId: Id | null): Promise<Id> | Id;
  asset(asset: AssetInput, viewId: Id): Promise<Id> | Id;
  attribute(attribute: AttributeInput, assetId: Id): Promise<Id> | Id;
  measurement(measurement: MeasurementInput, attributeId: Id): Promise<void> | void;
}

/**
 * Visits views, their dependencies (depth first), assets, attributes and measurements,
 * one at a time (each visit may read or write the store).
 */
export async function walkTree<Id>(
  views: readonly ViewInput[],
  visitor: TreeVisitor<Id>,
  parentId: Id | null = null,
): Promise<void> {
  for (const view of views) {
    const viewId = await visitor.view(view, parentId);
    await walkTree(view.dependencies, visitor, viewId);
    for (const asset of view.assets) {
      const assetId = await visitor.asset(asset, viewId);
      for (const attribute of asset.attributes) {
        const attributeId = await visitor.attribute(attribute, assetId);
        for (const measurement of attribute.measurements)
          await visitor.measurement(measurement, attributeId);
      }
    }
  }
}

/** Every measurement of the tree, in walk order. */
export async function measurementsOf(views: readonly ViewInput[]): Promise<MeasurementInput[]> {
  const all: MeasurementInput[] = [];
  await walkTree<null>(views, {
    view: () => null,
    asset: () => null,
    attribute: () => null,
    measurement: (m) => void all.push(m),
  });
  return all;
}
