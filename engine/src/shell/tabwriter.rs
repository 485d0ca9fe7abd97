//! Go's `text/tabwriter`, which kubectl prints every table and every
//! `describe` with. Cells are separated by `\t`; the text after a line's last
//! tab is not aligned. Columns are aligned per block of consecutive lines
//! that have that column, exactly as Go does it.

pub struct TabWriter {
    minwidth: usize,
    padding: usize,
}

/// kubectl's table printer: minwidth 6, padding 3.
pub const TABLE: TabWriter = TabWriter {
    minwidth: 6,
    padding: 3,
};
/// kubectl describe: minwidth 0, padding 2.
pub const DESCRIBE: TabWriter = TabWriter {
    minwidth: 0,
    padding: 2,
};

impl TabWriter {
    pub fn format(&self, text: &str) -> String {
        let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
        let mut out = String::new();
        let mut widths: Vec<usize> = vec![];
        self.block(&lines, 0, lines.len(), &mut widths, &mut out);
        if text.ends_with('\n') || text.is_empty() {
            out
        } else {
            out.trim_end_matches('\n').to_string()
        }
    }

    fn block(
        &self,
        lines: &[Vec<&str>],
        mut line0: usize,
        line1: usize,
        widths: &mut Vec<usize>,
        out: &mut String,
    ) {
        let column = widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= lines[this].len() {
                this += 1;
                continue;
            }
            self.write_lines(lines, line0, this, widths, out);
            line0 = this;
            let mut width = self.minwidth;
            while this < line1 && column + 1 < lines[this].len() {
                let w = lines[this][column].chars().count() + self.padding;
                width = width.max(w);
                this += 1;
            }
            widths.push(width);
            self.block(lines, line0, this, widths, out);
            widths.pop();
            line0 = this;
        }
        self.write_lines(lines, line0, line1, widths, out);
    }

    fn write_lines(
        &self,
        lines: &[Vec<&str>],
        from: usize,
        to: usize,
        widths: &[usize],
        out: &mut String,
    ) {
        for line in &lines[from..to] {
            for (j, cell) in line.iter().enumerate() {
                if j + 1 < line.len() && j < widths.len() {
                    out.push_str(cell);
                    let pad = widths[j].saturating_sub(cell.chars().count());
                    out.extend(std::iter::repeat_n(' ', pad));
                } else {
                    out.push_str(cell);
                }
            }
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_get_svc_layout() {
        let t = "NAME\tTYPE\tCLUSTER-IP\tEXTERNAL-IP\tPORT(S)\tAGE\nkubernetes\tClusterIP\t10.96.0.1\t<none>\t443/TCP\t10d\nmyapp-service\tNodePort\t10.106.1.12\t<none>\t80:30008/TCP\t5m12s\n";
        assert_eq!(
            TABLE.format(t),
            "NAME            TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)        AGE\nkubernetes      ClusterIP   10.96.0.1     <none>        443/TCP        10d\nmyapp-service   NodePort    10.106.1.12   <none>        80:30008/TCP   5m12s\n"
        );
    }

    #[test]
    fn describe_port_lines_pad_per_line() {
        let t = "Name:\tx\nPort:\t<unset>\t80/TCP\nTargetPort:\t80/TCP\nExternal Traffic Policy:\tCluster\n";
        assert_eq!(
            DESCRIBE.format(t),
            "Name:                     x\nPort:                     <unset>  80/TCP\nTargetPort:               80/TCP\nExternal Traffic Policy:  Cluster\n"
        );
    }
}
