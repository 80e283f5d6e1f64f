"""The reference validator's issue codes: default severity and message template.

Templates use `{0}`, `{1}`, ... for the arguments, already formatted the way the reference
prints them (see `schema.fmt`). Codes of our own (not in the reference) are at the end and
listed in `OUR_CODES`: the sandbox's, and the `VR_` codes of checks the reference has no
counterpart for (KTX2 textures, which it does not read). The parity tests compare only the
reference's codes; tests/content_tools/validate/codes/test_coverage.py checks that no code of
ours is one of the reference's.
"""

from __future__ import annotations

from content_tools.validate.issues import Severity

__all__ = ["CODES", "OUR_CODES"]

E = Severity.ERROR
W = Severity.WARNING
I = Severity.INFO  # noqa: E741
H = Severity.HINT

CODES: dict[str, tuple[Severity, str]] = {
    # IoError
    "IO_ERROR": (E, "{0}"),
    # SchemaError
    "ARRAY_LENGTH_NOT_IN_LIST": (E, "Invalid array length {0}. Valid lengths are: {1}."),
    "ARRAY_TYPE_MISMATCH": (E, "Type mismatch. Array element {0} is not a '{1}'."),
    "DUPLICATE_ELEMENTS": (E, "Duplicate element."),
    "EMPTY_ENTITY": (E, "Entity cannot be empty."),
    "INVALID_INDEX": (E, "Index must be a non-negative integer."),
    "INVALID_JSON": (E, "Invalid JSON data. Parser output: {0}"),
    "INVALID_URI": (E, "Invalid URI {0}. Parser output:\n{1}"),
    "ONE_OF_MISMATCH": (E, "Exactly one of {0} properties must be defined."),
    "PATTERN_MISMATCH": (E, "Value {0} does not match regexp pattern {1}."),
    "TYPE_MISMATCH": (E, "Type mismatch. Property value {0} is not a '{1}'."),
    "UNDEFINED_PROPERTY": (E, "Property '{0}' must be defined."),
    "UNEXPECTED_PROPERTY": (W, "Unexpected property."),
    "UNSATISFIED_DEPENDENCY": (E, "Dependency failed. '{0}' must be defined."),
    "VALUE_MULTIPLE_OF": (E, "Value {0} is not a multiple of {1}."),
    "VALUE_NOT_IN_LIST": (W, "Invalid value {0}. Valid values are {1}."),
    "VALUE_NOT_IN_RANGE": (E, "Value {0} is out of range."),
    # SemanticError
    "ACCESSOR_MATRIX_ALIGNMENT": (E, "Matrix accessors must be aligned to 4-byte boundaries."),
    "ACCESSOR_NORMALIZED_INVALID": (E, "Only (u)byte and (u)short accessors can be normalized."),
    "ACCESSOR_OFFSET_ALIGNMENT": (E, "Offset {0} is not a multiple of componentType length {1}."),
    "ACCESSOR_SPARSE_COUNT_OUT_OF_RANGE": (
        E,
        "Sparse accessor overrides more elements ({0}) than the base accessor contains ({1}).",
    ),
    "ANIMATION_CHANNEL_TARGET_NODE_SKIN": (
        W,
        "Animated TRS properties will not affect a skinned mesh.",
    ),
    "ASSET_MIN_VERSION_GREATER_THAN_VERSION": (
        E,
        "Asset minVersion {0} is greater than version {1}.",
    ),
    "BUFFER_DATA_URI_MIME_TYPE_INVALID": (
        E,
        "Data URI media type must be 'application/octet-stream' or "
        "'application/gltf-buffer'. Found {0} instead.",
    ),
    "BUFFER_VIEW_INVALID_BYTE_STRIDE": (
        E,
        "Only buffer views with raw vertex data can have byteStride.",
    ),
    "BUFFER_VIEW_TOO_BIG_BYTE_STRIDE": (
        E,
        "Buffer view's byteStride ({0}) is greater than byteLength ({1}).",
    ),
    "CAMERA_XMAG_YMAG_NEGATIVE": (W, "xmag and ymag should not be negative."),
    "CAMERA_XMAG_YMAG_ZERO": (E, "xmag and ymag must not be zero."),
    "CAMERA_YFOV_GEQUAL_PI": (W, "yfov should be less than Pi."),
    "CAMERA_ZFAR_LEQUAL_ZNEAR": (E, "zfar must be greater than znear."),
    "EXTRA_PROPERTY": (I, "This property should not be defined as it will not be used."),
    "INVALID_EXTENSION_NAME_FORMAT": (W, "Extension name has invalid format."),
    "INVALID_GL_VALUE": (E, "Invalid value {0} for GL type {1}."),
    "KHR_ANIMATION_POINTER_ANIMATION_CHANNEL_TARGET_NODE": (
        E,
        "This extension requires the animation channel target node to be undefined.",
    ),
    "KHR_ANIMATION_POINTER_ANIMATION_CHANNEL_TARGET_PATH": (
        E,
        "This extension requires the animation channel target path to be 'pointer'. "
        "Found {0} instead.",
    ),
    "KHR_LIGHTS_PUNCTUAL_LIGHT_SPOT_ANGLES": (
        E,
        "outerConeAngle ({1}) is less than or equal to innerConeAngle ({0}).",
    ),
    "KHR_MATERIALS_ANISOTROPY_ANISOTROPY_TEXTURE_TEXCOORD": (
        W,
        "Normal and anisotropy textures should use the same texture coords.",
    ),
    "KHR_MATERIALS_CLEARCOAT_CLEARCOAT_NORMAL_TEXTURE_TEXCOORD": (
        W,
        "Normal and clearcoat normal textures should use the same texture coords.",
    ),
    "KHR_MATERIALS_DISPERSION_NO_VOLUME": (
        W,
        "The dispersion extension needs to be combined with the volume extension.",
    ),
    "KHR_MATERIALS_EMISSIVE_STRENGTH_ZERO_FACTOR": (
        W,
        "Emissive strength has no effect when the emissive factor is zero or undefined.",
    ),
    "KHR_MATERIALS_IRIDESCENCE_THICKNESS_RANGE_WITHOUT_TEXTURE": (
        I,
        "Thickness minimum has no effect when a thickness texture is not defined.",
    ),
    "KHR_MATERIALS_IRIDESCENCE_THICKNESS_TEXTURE_UNUSED": (
        I,
        "Thickness texture has no effect when the thickness minimum is equal to the "
        "thickness maximum.",
    ),
    "KHR_MATERIALS_VOLUME_DOUBLE_SIDED": (
        W,
        "The volume extension should not be used with double-sided materials.",
    ),
    "KHR_MATERIALS_VOLUME_NO_TRANSMISSION": (
        W,
        "The volume extension needs to be combined with an extension that allows light to "
        "transmit through the surface.",
    ),
    "MATERIAL_ALPHA_CUTOFF_INVALID_MODE": (
        W,
        "Alpha cutoff is supported only for 'MASK' alpha mode.",
    ),
    "MESH_INVALID_WEIGHTS_COUNT": (
        E,
        "The length of weights array ({0}) does not match the number of morph targets ({1}).",
    ),
    "MESH_PRIMITIVES_UNEQUAL_TARGETS_COUNT": (
        E,
        "All primitives must have the same number of morph targets.",
    ),
    "MESH_PRIMITIVE_INDEXED_SEMANTIC_CONTINUITY": (
        E,
        "Indices for indexed attribute semantic {0} must start with 0 and be continuous. "
        "Total expected indices: {1}, total provided indices: {2}.",
    ),
    "MESH_PRIMITIVE_INVALID_ATTRIBUTE": (E, "Invalid attribute name."),
    "MESH_PRIMITIVE_JOINTS_WEIGHTS_MISMATCH": (
        E,
        "Number of JOINTS attribute semantics ({0}) does not match the number of WEIGHTS ({1}).",
    ),
    "MESH_PRIMITIVE_NO_POSITION": (W, "No POSITION attribute found."),
    "MESH_PRIMITIVE_TANGENT_WITHOUT_NORMAL": (W, "TANGENT attribute without NORMAL found."),
    "MULTIPLE_EXTENSIONS": (
        W,
        "This extension may be incompatible with other extensions for the object.",
    ),
    "NODE_EMPTY": (I, "Empty node encountered."),
    "NODE_MATRIX_DEFAULT": (I, "Do not specify default transform matrix."),
    "NODE_MATRIX_NON_TRS": (E, "Matrix must be decomposable to TRS."),
    "NODE_MATRIX_TRS": (
        E,
        "A node can have either a matrix or any combination of translation/rotation/scale "
        "(TRS) properties.",
    ),
    "NODE_SKINNED_MESH_LOCAL_TRANSFORMS": (W, "Local transforms will not affect a skinned mesh."),
    "NODE_SKINNED_MESH_NON_ROOT": (
        W,
        "Node with a skinned mesh is not root. Parent transforms will not affect a skinned mesh.",
    ),
    "NODE_SKIN_NO_SCENE": (
        E,
        "A node with a skinned mesh is used in a scene that does not contain joint nodes.",
    ),
    "NON_OBJECT_EXTRAS": (I, "Prefer JSON Objects for extras."),
    "NON_RELATIVE_URI": (W, "Non-relative URI found: {0}."),
    "NON_REQUIRED_EXTENSION": (E, "Extension {0} cannot be optional."),
    "ROTATION_NON_UNIT": (E, "Rotation quaternion must be normalized."),
    "SKIN_NO_COMMON_ROOT": (E, "Joints do not have a common root."),
    "SKIN_SKELETON_INVALID": (E, "Skeleton node is not a common root."),
    "UNKNOWN_ASSET_MAJOR_VERSION": (E, "Unknown glTF major asset version: {0}."),
    "UNKNOWN_ASSET_MINOR_VERSION": (W, "Unknown glTF minor asset version: {0}."),
    "UNUSED_EXTENSION_REQUIRED": (E, "Unused extension {0} cannot be required."),
    # LinkError
    "ACCESSOR_SMALL_BYTESTRIDE": (
        E,
        "Referenced bufferView's byteStride value {0} is less than accessor element's length {1}.",
    ),
    "ACCESSOR_TOO_LONG": (
        E,
        "Accessor (offset: {0}, length: {1}) does not fit referenced bufferView [{2}] length {3}.",
    ),
    "ACCESSOR_TOTAL_OFFSET_ALIGNMENT": (
        E,
        "Accessor's total byteOffset {0} isn't a multiple of componentType length {1}.",
    ),
    "ACCESSOR_USAGE_OVERRIDE": (
        E,
        "Override of previously set accessor usage. Initial: {0}, new: {1}.",
    ),
    "ANIMATION_CHANNEL_TARGET_NODE_MATRIX": (
        E,
        "Animation channel cannot target TRS properties of a node with defined matrix.",
    ),
    "ANIMATION_CHANNEL_TARGET_NODE_WEIGHTS_NO_MORPHS": (
        E,
        "Animation channel cannot target WEIGHTS when mesh does not have morph targets.",
    ),
    "ANIMATION_DUPLICATE_TARGETS": (E, "Animation channel has the same target as channel {0}."),
    "ANIMATION_SAMPLER_ACCESSOR_WITH_BYTESTRIDE": (
        E,
        "bufferView.byteStride must not be defined for buffer views used by animation "
        "sampler accessors.",
    ),
    "ANIMATION_SAMPLER_INPUT_ACCESSOR_INVALID_FORMAT": (
        E,
        "Invalid Animation sampler input accessor format {0}. Must be one of {1}.",
    ),
    "ANIMATION_SAMPLER_INPUT_ACCESSOR_TOO_FEW_ELEMENTS": (
        E,
        "Animation sampler output accessor with {0} interpolation must have at least {1} "
        "elements. Got {2}.",
    ),
    "ANIMATION_SAMPLER_INPUT_ACCESSOR_WITHOUT_BOUNDS": (
        E,
        "accessor.min and accessor.max must be defined for animation input accessor.",
    ),
    "ANIMATION_SAMPLER_OUTPUT_ACCESSOR_INVALID_COUNT": (
        E,
        "Animation sampler output accessor of count {0} expected. Found {1}.",
    ),
    "ANIMATION_SAMPLER_OUTPUT_ACCESSOR_INVALID_FORMAT": (
        E,
        "Invalid animation sampler output accessor format {0} for path {2}. Must be one of {1}.",
    ),
    "BUFFER_MISSING_GLB_DATA": (E, "Buffer refers to an unresolved GLB binary chunk."),
    "BUFFER_VIEW_TARGET_MISSING": (
        H,
        "bufferView.target should be set for vertex or index data.",
    ),
    "BUFFER_VIEW_TARGET_OVERRIDE": (
        E,
        "Override of previously set bufferView target or usage. Initial: {0}, new: {1}.",
    ),
    "BUFFER_VIEW_TOO_LONG": (E, "BufferView does not fit buffer ({0}) byteLength ({1})."),
    "IMAGE_BUFFER_VIEW_WITH_BYTESTRIDE": (
        E,
        "bufferView.byteStride must not be defined for buffer views containing image data.",
    ),
    "INCOMPLETE_EXTENSION_SUPPORT": (
        I,
        "Validation support for this extension is incomplete; the asset may have undetected "
        "issues.",
    ),
    "INVALID_IBM_ACCESSOR_COUNT": (E, "IBM accessor must have at least {0} elements. Found {1}."),
    "KHR_MATERIALS_VARIANTS_NON_UNIQUE_VARIANT": (
        E,
        "This variant is used more than once for this mesh primitive.",
    ),
    "MESH_PRIMITIVE_ACCESSOR_UNALIGNED": (
        E,
        "Vertex attribute data must be aligned to 4-byte boundaries.",
    ),
    "MESH_PRIMITIVE_ACCESSOR_WITHOUT_BYTESTRIDE": (
        E,
        "bufferView.byteStride must be defined when two or more accessors use the same "
        "buffer view.",
    ),
    "MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_INVALID_FORMAT": (
        E,
        "Invalid accessor format {0} for this attribute semantic. Must be one of {1}.",
    ),
    "MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_UNSIGNED_INT": (
        E,
        "Mesh attributes cannot use UNSIGNED_INT component type.",
    ),
    "MESH_PRIMITIVE_GENERATED_TANGENT_SPACE": (
        W,
        "Material requires a tangent space but the mesh primitive does not provide it. "
        "Runtime-generated tangent space may be non-portable across implementations.",
    ),
    "MESH_PRIMITIVE_INCOMPATIBLE_MODE": (
        W,
        "Number of vertices or indices ({0}) is not compatible with used drawing mode ({1}).",
    ),
    "MESH_PRIMITIVE_INDICES_ACCESSOR_INVALID_FORMAT": (
        E,
        "Invalid indices accessor format {0}. Must be one of {1}.",
    ),
    "MESH_PRIMITIVE_INDICES_ACCESSOR_WITH_BYTESTRIDE": (
        E,
        "bufferView.byteStride must not be defined for indices accessor.",
    ),
    "MESH_PRIMITIVE_MORPH_TARGET_INVALID_ATTRIBUTE_COUNT": (
        E,
        "Base accessor has different count.",
    ),
    "MESH_PRIMITIVE_MORPH_TARGET_NO_BASE_ACCESSOR": (
        E,
        "The mesh primitive does not define this attribute semantic.",
    ),
    "MESH_PRIMITIVE_NO_TANGENT_SPACE": (
        E,
        "Material requires a tangent space but the mesh primitive does not provide it and the "
        "material does not contain a normal map to generate it.",
    ),
    "MESH_PRIMITIVE_POSITION_ACCESSOR_WITHOUT_BOUNDS": (
        E,
        "accessor.min and accessor.max must be defined for POSITION attribute accessor.",
    ),
    "MESH_PRIMITIVE_TOO_FEW_TEXCOORDS": (
        E,
        "Material is incompatible with mesh primitive: Texture binding {0} needs {1} attribute.",
    ),
    "MESH_PRIMITIVE_UNEQUAL_ACCESSOR_COUNT": (
        E,
        "All accessors of the same primitive must have the same count.",
    ),
    "NODE_LOOP": (E, "Node is a part of a node loop."),
    "NODE_PARENT_OVERRIDE": (E, "Value overrides parent of node {0}."),
    "NODE_SKINNED_MESH_WITHOUT_SKIN": (W, "Node uses skinned mesh, but has no skin defined."),
    "NODE_SKIN_WITH_NON_SKINNED_MESH": (E, "Node has skin defined, but mesh has no joints data."),
    "NODE_WEIGHTS_INVALID": (
        E,
        "The length of weights array ({0}) does not match the number of morph targets ({1}).",
    ),
    "SCENE_NON_ROOT_NODE": (E, "Node {0} is not a root node."),
    "SKIN_IBM_ACCESSOR_WITH_BYTESTRIDE": (
        E,
        "bufferView.byteStride must not be defined for buffer views used by inverse bind "
        "matrices accessors.",
    ),
    "SKIN_IBM_INVALID_FORMAT": (E, "Invalid IBM accessor format {0}. Must be one of {1}."),
    "TEXTURE_INVALID_IMAGE_MIME_TYPE": (
        E,
        "Invalid MIME type {0} for the texture source. Valid MIME types are {1}.",
    ),
    "UNDECLARED_EXTENSION": (E, "Extension is not declared in extensionsUsed."),
    "UNEXPECTED_EXTENSION_OBJECT": (E, "Unexpected location for this extension."),
    "UNRESOLVED_REFERENCE": (E, "Unresolved reference: {0}."),
    "UNSUPPORTED_EXTENSION": (
        I,
        "Cannot validate an extension as it is not supported by the validator: {0}.",
    ),
    "UNUSED_MESH_TANGENT": (
        I,
        "Tangents are not used because the material has no normal texture.",
    ),
    "UNUSED_MESH_WEIGHTS": (I, "The static morph target weights are always overridden."),
    "UNUSED_OBJECT": (I, "This object may be unused."),
    # DataError
    "ACCESSOR_ANIMATION_INPUT_NEGATIVE": (
        E,
        "Animation input accessor element at index {0} is negative: {1}.",
    ),
    "ACCESSOR_ANIMATION_INPUT_NON_INCREASING": (
        E,
        "Animation input accessor element at index {0} is less than or equal to previous: "
        "{1} <= {2}.",
    ),
    "ACCESSOR_ANIMATION_SAMPLER_OUTPUT_NON_NORMALIZED_QUATERNION": (
        E,
        "Animation sampler output accessor element at indices {0}..{1} is not of unit length: {2}.",
    ),
    "ACCESSOR_ELEMENT_OUT_OF_MAX_BOUND": (
        E,
        "Accessor contains {0} element(s) greater than declared maximum value {1}.",
    ),
    "ACCESSOR_ELEMENT_OUT_OF_MIN_BOUND": (
        E,
        "Accessor contains {0} element(s) less than declared minimum value {1}.",
    ),
    "ACCESSOR_INDEX_OOB": (
        E,
        "Indices accessor element at index {0} has value {1} that is greater than the maximum "
        "vertex index available ({2}).",
    ),
    "ACCESSOR_INDEX_PRIMITIVE_RESTART": (
        E,
        "Indices accessor contains primitive restart value ({0}) at index {1}.",
    ),
    "ACCESSOR_INDEX_TRIANGLE_DEGENERATE": (
        I,
        "Indices accessor contains {0} degenerate triangles (out of {1}).",
    ),
    "ACCESSOR_INVALID_FLOAT": (E, "Accessor element at index {0} is {1}."),
    "ACCESSOR_INVALID_IBM": (
        E,
        "Matrix element at index {0} (component index {1}) contains invalid value: {2}.",
    ),
    "ACCESSOR_INVALID_SIGN": (
        E,
        "Vector3 with sign at accessor indices {0}..{1} has invalid w component: {2}. "
        "Must be 1.0 or -1.0.",
    ),
    "ACCESSOR_JOINTS_INDEX_DUPLICATE": (
        E,
        "Joints accessor element at index {0} (component index {1}) has value {2} that is "
        "already in use for the vertex.",
    ),
    "ACCESSOR_JOINTS_INDEX_OOB": (
        E,
        "Joints accessor element at index {0} (component index {1}) has value {2} that is "
        "greater than the maximum joint index ({3}) set by skin {4}.",
    ),
    "ACCESSOR_JOINTS_USED_ZERO_WEIGHT": (
        W,
        "Joints accessor element at index {0} (component index {1}) is used with zero weight "
        "but has non-zero value ({2}).",
    ),
    "ACCESSOR_MAX_MISMATCH": (
        E,
        "Declared maximum value for this component ({0}) does not match actual maximum ({1}).",
    ),
    "ACCESSOR_MIN_MISMATCH": (
        E,
        "Declared minimum value for this component ({0}) does not match actual minimum ({1}).",
    ),
    "ACCESSOR_NON_CLAMPED": (
        E,
        "Accessor element at index {0} is not clamped to 0..1 range: {1}.",
    ),
    "ACCESSOR_SPARSE_INDEX_OOB": (
        E,
        "Accessor sparse indices element at index {0} is greater than or equal to the number "
        "of accessor elements: {1} >= {2}.",
    ),
    "ACCESSOR_SPARSE_INDICES_NON_INCREASING": (
        E,
        "Accessor sparse indices element at index {0} is less than or equal to previous: "
        "{1} <= {2}.",
    ),
    "ACCESSOR_VECTOR3_NON_UNIT": (
        E,
        "Vector3 at accessor indices {0}..{1} is not of unit length: {2}.",
    ),
    "ACCESSOR_WEIGHTS_NEGATIVE": (
        E,
        "Weights accessor element at index {0} (component index {1}) has negative value {2}.",
    ),
    "ACCESSOR_WEIGHTS_NON_NORMALIZED": (
        E,
        "Weights accessor elements (at indices {0}..{1}) have non-normalized sum: {2}.",
    ),
    "BUFFER_BYTE_LENGTH_MISMATCH": (
        E,
        "Actual data byte length ({0}) is less than the declared buffer byte length ({1}).",
    ),
    "BUFFER_GLB_CHUNK_TOO_BIG": (W, "GLB-stored BIN chunk contains {0} extra padding byte(s)."),
    "DATA_URI_GLB": (W, "Data URI is used in GLB container."),
    "IMAGE_DATA_INVALID": (E, "Image data is invalid. {0}"),
    "IMAGE_FEATURES_UNSUPPORTED": (
        W,
        "Image contains unsupported features like non-default colorspace information, "
        "non-square pixels, or animation.",
    ),
    "IMAGE_MIME_TYPE_INVALID": (
        E,
        "Recognized image format {0} does not match declared image format {1}.",
    ),
    "IMAGE_NON_ENABLED_MIME_TYPE": (E, "{0} MIME type requires an extension."),
    "IMAGE_NPOT_DIMENSIONS": (I, "Image has non-power-of-two dimensions: {0}x{1}."),
    "IMAGE_UNEXPECTED_EOS": (E, "Unexpected end of image stream."),
    "IMAGE_UNRECOGNIZED_FORMAT": (W, "Image format not recognized."),
    "URI_GLB": (I, "URI is used in GLB container."),
    # GlbError
    "GLB_CHUNK_LENGTH_UNALIGNED": (E, "Length of {0} chunk is not aligned to 4-byte boundaries."),
    "GLB_CHUNK_TOO_BIG": (E, "Chunk ({0}) length ({1}) does not fit total GLB length."),
    "GLB_DUPLICATE_CHUNK": (E, "Chunk of type {0} has already been used."),
    "GLB_EMPTY_BIN_CHUNK": (I, "Empty BIN chunk should be omitted."),
    "GLB_EMPTY_CHUNK": (E, "Chunk ({0}) cannot have zero length."),
    "GLB_EXTRA_DATA": (W, "Extra data after the end of GLB stream."),
    "GLB_INVALID_MAGIC": (E, "Invalid GLB magic value ({0})."),
    "GLB_INVALID_VERSION": (E, "Invalid GLB version value {0}."),
    "GLB_LENGTH_MISMATCH": (E, "Declared length ({0}) does not match GLB length ({1})."),
    "GLB_LENGTH_TOO_SMALL": (E, "Declared GLB length ({0}) is too small."),
    "GLB_UNEXPECTED_BIN_CHUNK": (E, "BIN chunk must be the second chunk."),
    "GLB_UNEXPECTED_END_OF_CHUNK_DATA": (E, "Unexpected end of chunk data."),
    "GLB_UNEXPECTED_END_OF_CHUNK_HEADER": (E, "Unexpected end of chunk header."),
    "GLB_UNEXPECTED_END_OF_HEADER": (E, "Unexpected end of header."),
    "GLB_UNEXPECTED_FIRST_CHUNK": (E, "First chunk must be of JSON type. Found {0} instead."),
    "GLB_UNKNOWN_CHUNK_TYPE": (W, "Unknown GLB chunk type: {0}."),
    # Ours: sandboxing of external resources and resource limits.
    "URI_OUTSIDE_ROOT": (
        E,
        "URI {0} resolves outside the content folder; it was not read.",
    ),
    "RESOURCE_TOO_LARGE": (E, "Resource {0} is larger than the limit ({1} bytes); not read."),
    # Ours: how KTX2 (KHR_texture_basisu) textures are used (gltf/ktx2_use.py).
    "VR_KTX2_MIPMAPS_MISSING": (
        W,
        "KTX2 image {0} holds {1} of the {2} mip levels of a full chain, but this texture is "
        "sampled with mipmaps ({3}): the headset cannot make them for a compressed format, so "
        "it shimmers at a distance. Encode it with mipmaps, or use a sampler whose minFilter "
        "is LINEAR or NEAREST.",
    ),
    "VR_KTX2_COLOR_SPACE_MISMATCH": (
        W,
        "Material slot {0} holds {1}, but its KTX2 image {2} has the {3} transfer function: "
        "{4}. Encode it with the {5} transfer function.",
    ),
}

OUR_CODES = frozenset(
    {
        "URI_OUTSIDE_ROOT",
        "RESOURCE_TOO_LARGE",
        "VR_KTX2_MIPMAPS_MISSING",
        "VR_KTX2_COLOR_SPACE_MISMATCH",
    }
)
"""The codes above that are ours, not the Khronos reference's."""
