//! Reading a [`Node`] so that errors inside it name the exact field and position.
//!
//! serde's derived internally tagged enums buffer the whole object before looking at
//! `kind`, which hides the field path and the line of a bad value. Files written by this
//! crate put `kind` first, so the visitor reads `kind` and then hands the live map (with
//! its positions and path tracking) to the variant's struct. Objects whose `kind` comes
//! later are buffered and still report the field's path.

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::Node;

/// The `kind` tag of a node, read before the rest of it.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum NodeKindTag {
    Input,
    Dense,
    Add,
    Concat,
    Dropout,
    Activation,
    BatchNorm,
    LayerNorm,
    #[serde(rename = "conv2d")]
    Conv2D,
    #[serde(rename = "max_pool2d")]
    MaxPool2D,
    #[serde(rename = "avg_pool2d")]
    AvgPool2D,
    Flatten,
    Output,
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(NodeVisitor)
    }
}

struct NodeVisitor;

/// Builds the node of `tag` from the rest of its fields.
fn node_from<'de, D: Deserializer<'de>>(tag: NodeKindTag, rest: D) -> Result<Node, D::Error> {
    Ok(match tag {
        NodeKindTag::Input => Node::Input(Deserialize::deserialize(rest)?),
        NodeKindTag::Dense => Node::Dense(Deserialize::deserialize(rest)?),
        NodeKindTag::Add => Node::Add(Deserialize::deserialize(rest)?),
        NodeKindTag::Concat => Node::Concat(Deserialize::deserialize(rest)?),
        NodeKindTag::Dropout => Node::Dropout(Deserialize::deserialize(rest)?),
        NodeKindTag::Activation => Node::Activation(Deserialize::deserialize(rest)?),
        NodeKindTag::BatchNorm => Node::BatchNorm(Deserialize::deserialize(rest)?),
        NodeKindTag::LayerNorm => Node::LayerNorm(Deserialize::deserialize(rest)?),
        NodeKindTag::Conv2D => Node::Conv2D(Deserialize::deserialize(rest)?),
        NodeKindTag::MaxPool2D => Node::MaxPool2D(Deserialize::deserialize(rest)?),
        NodeKindTag::AvgPool2D => Node::AvgPool2D(Deserialize::deserialize(rest)?),
        NodeKindTag::Flatten => Node::Flatten(Deserialize::deserialize(rest)?),
        NodeKindTag::Output => Node::Output(Deserialize::deserialize(rest)?),
    })
}

/// Deserializes a buffered value, naming the field path inside it in the error.
fn from_buffer<T: DeserializeOwned, E: de::Error>(value: serde_json::Value) -> Result<T, E> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if path == "." {
            E::custom(inner)
        } else {
            E::custom(format!("{path}: {inner}"))
        }
    })
}

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a node object with a \"kind\" (input, dense, add, concat, dropout, activation, batch_norm, layer_norm, conv2d, max_pool2d, avg_pool2d, flatten, output)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let first: Option<String> = map.next_key()?;
        if first.as_deref() == Some("kind") {
            let tag: NodeKindTag = map.next_value()?;
            return node_from(tag, MapAccessDeserializer::new(map));
        }
        let mut object = serde_json::Map::new();
        if let Some(key) = first {
            let value: serde_json::Value = map.next_value()?;
            object.insert(key, value);
        }
        while let Some((key, value)) = map.next_entry::<String, serde_json::Value>()? {
            object.insert(key, value);
        }
        let Some(kind) = object.remove("kind") else {
            return Err(de::Error::missing_field("kind"));
        };
        let tag: NodeKindTag = from_buffer(kind)?;
        let rest = serde_json::Value::Object(object);
        Ok(match tag {
            NodeKindTag::Input => Node::Input(from_buffer(rest)?),
            NodeKindTag::Dense => Node::Dense(from_buffer(rest)?),
            NodeKindTag::Add => Node::Add(from_buffer(rest)?),
            NodeKindTag::Concat => Node::Concat(from_buffer(rest)?),
            NodeKindTag::Dropout => Node::Dropout(from_buffer(rest)?),
            NodeKindTag::Activation => Node::Activation(from_buffer(rest)?),
            NodeKindTag::BatchNorm => Node::BatchNorm(from_buffer(rest)?),
            NodeKindTag::LayerNorm => Node::LayerNorm(from_buffer(rest)?),
            NodeKindTag::Conv2D => Node::Conv2D(from_buffer(rest)?),
            NodeKindTag::MaxPool2D => Node::MaxPool2D(from_buffer(rest)?),
            NodeKindTag::AvgPool2D => Node::AvgPool2D(from_buffer(rest)?),
            NodeKindTag::Flatten => Node::Flatten(from_buffer(rest)?),
            NodeKindTag::Output => Node::Output(from_buffer(rest)?),
        })
    }
}
