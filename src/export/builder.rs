//! [`GraphBuilder`]: nodes, constants, inputs and outputs of one ONNX graph, with fresh value
//! names, then the encoded `ModelProto` (IR version 8, opset 17).

use prost::Message;

use super::proto::{
    self, AttributeProto, Dimension, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, StringStringEntryProto,
    TensorProto, TensorShapeProto, TensorTypeProto, TypeProto, ValueInfoProto, attribute_type,
};
use super::{IR_VERSION, ML_DOMAIN, ML_OPSET, OPSET};

/// One dimension of a graph input or output.
#[derive(Debug, Clone)]
pub(crate) enum Dim {
    /// The batch: the symbolic `"N"`.
    Batch,
    /// A fixed size.
    Fixed(usize),
}

/// An ONNX graph under construction.
#[derive(Debug, Default)]
pub(crate) struct GraphBuilder {
    graph: GraphProto,
    count: usize,
    uses_ml: bool,
}

impl GraphBuilder {
    /// A name no other value of the graph has (`kerust.{op}.{n}`).
    fn fresh(&mut self, what: &str) -> String {
        self.count += 1;
        format!("kerust.{what}.{}", self.count)
    }

    /// A float32 constant of shape `dims`, row-major `data`.
    pub fn floats(&mut self, what: &str, dims: &[usize], data: Vec<f32>) -> String {
        debug_assert_eq!(dims.iter().product::<usize>(), data.len());
        let name = self.fresh(what);
        let dims = dims.iter().map(|&d| d as i64).collect();
        self.graph.initializer.push(TensorProto {
            dims,
            data_type: proto::FLOAT,
            float_data: data,
            name: name.clone(),
            ..Default::default()
        });
        name
    }

    /// An int64 constant.
    pub fn ints(&mut self, what: &str, dims: &[usize], data: Vec<i64>) -> String {
        let name = self.fresh(what);
        let dims = dims.iter().map(|&d| d as i64).collect();
        self.graph.initializer.push(TensorProto {
            dims,
            data_type: proto::INT64,
            int64_data: data,
            name: name.clone(),
            ..Default::default()
        });
        name
    }

    /// A one-dimensional string constant.
    pub fn strings(&mut self, what: &str, data: &[String]) -> String {
        let name = self.fresh(what);
        let string_data = data.iter().map(|s| s.as_bytes().to_vec()).collect();
        self.graph.initializer.push(TensorProto {
            dims: vec![data.len() as i64],
            data_type: proto::STRING,
            string_data,
            name: name.clone(),
            ..Default::default()
        });
        name
    }

    /// Appends a node of the default domain with one output, and returns the output's name.
    pub fn node(&mut self, op: &str, inputs: &[&str], attributes: Vec<AttributeProto>) -> String {
        let output = self.fresh(op);
        self.node_into(op, inputs, attributes, &output);
        output
    }

    /// [`GraphBuilder::node`] writing into the value `output` (a graph output).
    pub fn node_into(&mut self, op: &str, inputs: &[&str], attribute: Vec<AttributeProto>, output: &str) {
        let name = format!("{op}_{}", self.graph.node.len());
        self.graph.node.push(NodeProto {
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: vec![output.to_string()],
            name,
            op_type: op.to_string(),
            attribute,
            domain: String::new(),
        });
    }

    /// Appends a node of the `ai.onnx.ml` domain.
    pub fn ml_node(&mut self, op: &str, inputs: &[&str], attributes: Vec<AttributeProto>) -> String {
        let output = self.node(op, inputs, attributes);
        self.graph.node.last_mut().expect("node just added").domain = ML_DOMAIN.to_string();
        self.uses_ml = true;
        output
    }

    /// Declares a graph input.
    pub fn input(&mut self, name: &str, elem_type: i32, dims: &[Dim]) {
        self.graph.input.push(value_info(name, elem_type, dims));
    }

    /// Declares a graph output.
    pub fn output(&mut self, name: &str, elem_type: i32, dims: &[Dim]) {
        self.graph.output.push(value_info(name, elem_type, dims));
    }

    /// The encoded model, with `metadata` as its `metadata_props`.
    pub fn finish(mut self, graph_name: &str, doc: &str, metadata: Vec<(String, String)>) -> Vec<u8> {
        self.graph.name = graph_name.to_string();
        let mut opset_import = vec![OperatorSetIdProto { domain: String::new(), version: OPSET }];
        if self.uses_ml {
            opset_import.push(OperatorSetIdProto { domain: ML_DOMAIN.to_string(), version: ML_OPSET });
        }
        let model = ModelProto {
            ir_version: IR_VERSION,
            opset_import,
            producer_name: "kerust".to_string(),
            producer_version: env!("CARGO_PKG_VERSION").to_string(),
            domain: String::new(),
            model_version: 1,
            doc_string: doc.to_string(),
            graph: Some(self.graph),
            metadata_props: metadata.into_iter().map(|(key, value)| StringStringEntryProto { key, value }).collect(),
        };
        model.encode_to_vec()
    }
}

fn value_info(name: &str, elem_type: i32, dims: &[Dim]) -> ValueInfoProto {
    let dim = dims
        .iter()
        .map(|d| match d {
            Dim::Batch => Dimension { dim_value: None, dim_param: Some("N".to_string()) },
            Dim::Fixed(n) => Dimension { dim_value: Some(*n as i64), dim_param: None },
        })
        .collect();
    let tensor_type = TensorTypeProto { elem_type, shape: Some(TensorShapeProto { dim }) };
    ValueInfoProto {
        name: name.to_string(),
        r#type: Some(TypeProto { tensor_type: Some(tensor_type) }),
        doc_string: String::new(),
    }
}

/// A float attribute.
pub(crate) fn float(name: &str, f: f32) -> AttributeProto {
    AttributeProto { name: name.to_string(), r#type: attribute_type::FLOAT, f, ..Default::default() }
}

/// An integer attribute.
pub(crate) fn int(name: &str, i: i64) -> AttributeProto {
    AttributeProto { name: name.to_string(), r#type: attribute_type::INT, i, ..Default::default() }
}

/// A list-of-integers attribute.
pub(crate) fn ints(name: &str, ints: Vec<i64>) -> AttributeProto {
    AttributeProto { name: name.to_string(), r#type: attribute_type::INTS, ints, ..Default::default() }
}

/// A list-of-strings attribute.
pub(crate) fn strings(name: &str, values: &[String]) -> AttributeProto {
    let strings = values.iter().map(|s| s.as_bytes().to_vec()).collect();
    AttributeProto { name: name.to_string(), r#type: attribute_type::STRINGS, strings, ..Default::default() }
}
